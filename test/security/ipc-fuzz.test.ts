/**
 * Fuzzing the typed IPC wrapper (electron/ipc/ipc-main.ts) end to end against the stubbed
 * `electron` module: 1,000 generated calls, each from our app window or from a sender that must be
 * refused, with handlers that answer or fail. It lives under test/security because only the 'main'
 * vitest project aliases `electron` to the stub; the schema-level fuzzing is in test/fuzz. Seeded
 * with FUZZ_SEED like the rest of the fuzz suite.
 */
import type { BrowserWindow as ElectronBrowserWindow } from 'electron';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../electron/core/logger';
import { INVOKE_CONTRACT } from '../../electron/ipc/contract';
import { wireName, type InvokeChannel } from '../../electron/ipc/channels';
import { createIpcMain, IpcRefusedError } from '../../electron/ipc/ipc-main';
import { count, fuzzParameters, fuzzSeed, newStats, printSummary } from '../support/fuzz/fuzz-run';
import { ipcCall, submittedSecret } from '../support/fuzz/ipc-payload-arbitraries';
import { BrowserWindow, FakeWebFrameMain, ipcMain, resetElectronStub } from '../support/electron/electron-stub';

const APP = 'app://jobber-connect';
const NUM_RUNS = 1_000;
/**
 * A JWT-shaped token put in every thrown handler error: the renderer must never see the error text,
 * and the log keeps the error only redacted.
 */
const HANDLER_SECRET = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmdXp6LWhhbmRsZXIifQ.c2lnbmF0dXJlLWZ1enotaGFuZGxlcg';

/** What a valid call's handler answers, per channel (shape only matters to the wrapper). */
const ANSWERS: Record<InvokeChannel, unknown> = {
  'get-state': { environment: 'sandbox', connection: { status: 'disconnected', lastError: null, notice: null }, activity: [] },
  'get-settings': { mode: 'sandbox', clientId: '', clientSecretSaved: false, redirectUri: 'x', authMode: 'app-window', graphqlVersion: '2025-04-16', allowWeakStorage: false },
  connect: { ok: true },
  cancel: { ok: true },
  disconnect: { ok: true, jobberNotified: true, message: 'done' },
  'refresh-now': { ok: true },
  'save-settings': { ok: true, settings: {} },
  'test-api': { ok: true, account: { id: '1', name: 'A' }, cost: null, durationMs: 1 },
  'confirm-pairing': { ok: true },
  'decline-pairing': { ok: true },
};

const CHANNELS_WITHOUT_ERROR_FORM: ReadonlySet<InvokeChannel> = new Set(['get-state', 'get-settings']);

type SenderKind = 'trusted' | 'other-window' | 'subframe' | 'no-frame' | 'foreign-url';

const FOREIGN_URLS = [
  'app://evil/index.html',
  'app://jobber-connect.evil/index.html',
  'app://jobber-connect:8080/index.html',
  'https://api.getjobber.com/',
  'http://127.0.0.1:5173/',
  'file:///index.html',
  'about:blank',
  '',
  'not a url',
  'app:jobber-connect/index.html',
];

describe('fuzz: IPC wrapper', () => {
  const calls: { channel: InvokeChannel; args: unknown[] }[] = [];
  const logs: string[] = [];
  let failHandlers = false;
  let window: BrowserWindow;
  let other: BrowserWindow;

  beforeAll(() => {
    resetElectronStub();
    window = new BrowserWindow({});
    window.webContents.mainFrame.url = `${APP}/index.html`;
    other = new BrowserWindow({});
    other.webContents.mainFrame.url = `${APP}/index.html`;
    const push = (level: string) => (message: string, fields?: Record<string, unknown>) => {
      logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
    };
    const logger: Logger = { info: push('info'), warn: push('warn'), error: push('error') };
    const ipc = createIpcMain({ getAppWindow: () => window as unknown as ElectronBrowserWindow, appOrigin: APP, logger });
    for (const channel of Object.keys(ANSWERS) as InvokeChannel[]) {
      const handler = (...args: unknown[]) => {
        calls.push({ channel, args });
        if (failHandlers) throw new Error(`handler failed holding ${HANDLER_SECRET}`);
        return ANSWERS[channel];
      };
      ipc.handle(channel, handler as never);
    }
  });

  function sender(kind: SenderKind, foreignUrl: string): { sender: typeof window.webContents; senderFrame?: FakeWebFrameMain | null } {
    const main = window.webContents.mainFrame;
    switch (kind) {
      case 'trusted':
        return { sender: window.webContents };
      case 'other-window':
        return { sender: other.webContents };
      case 'subframe':
        return { sender: window.webContents, senderFrame: new FakeWebFrameMain(`${APP}/index.html`, { processId: main.processId, routingId: main.routingId + 1000 }) };
      case 'no-frame':
        return { sender: window.webContents, senderFrame: null };
      case 'foreign-url':
        return { sender: window.webContents, senderFrame: new FakeWebFrameMain(foreignUrl, { processId: main.processId, routingId: main.routingId }) };
    }
  }

  it(`refuses bad input and foreign senders with typed results over ${NUM_RUNS} generated calls`, async () => {
    const seed = fuzzSeed();
    const stats = newStats();
    const scenario = fc.record({
      call: ipcCall,
      senderKind: fc.oneof(
        { arbitrary: fc.constant<SenderKind>('trusted'), weight: 8 },
        { arbitrary: fc.constantFrom<SenderKind>('other-window', 'subframe', 'no-frame', 'foreign-url'), weight: 2 },
      ),
      foreignUrl: fc.oneof(fc.constantFrom(...FOREIGN_URLS), fc.webUrl()),
      failing: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    });
    try {
      await fc.assert(
        fc.asyncProperty(scenario, async ({ call, senderKind, foreignUrl, failing }) => {
          stats.cases += 1;
          calls.length = 0;
          logs.length = 0;
          failHandlers = failing;
          let reply: unknown;
          let refused: unknown = null;
          try {
            reply = await ipcMain.invoke(wireName(call.channel), sender(senderKind, foreignUrl), ...call.args);
          } catch (error) {
            refused = error;
          }
          if (refused !== null && !(refused instanceof IpcRefusedError)) {
            stats.crashes += 1;
            throw new Error(`${call.channel} rejected with ${String(refused)}`);
          }

          if (senderKind !== 'trusted') {
            count(stats, 'foreign sender refused');
            expect(refused).toBeInstanceOf(IpcRefusedError);
            expect(calls).toEqual([]);
            return;
          }

          if (!call.valid) {
            if (calls.length > 0) {
              stats.acceptedInvalid += 1;
              throw new Error(`${call.channel} ran its handler for invalid input`);
            }
            count(stats, 'invalid input refused');
            if (CHANNELS_WITHOUT_ERROR_FORM.has(call.channel)) {
              expect(refused).toBeInstanceOf(IpcRefusedError);
            } else if (call.channel === 'save-settings') {
              expect(reply).toMatchObject({ ok: false, fieldErrors: expect.any(Object) });
              const fieldErrors = (reply as { fieldErrors: Record<string, unknown> }).fieldErrors;
              expect(Object.keys(fieldErrors).length).toBeGreaterThan(0);
              const secret = submittedSecret(call.settings);
              if (secret !== null) expect(JSON.stringify(reply)).not.toContain(secret);
            } else {
              expect(reply).toEqual({ ok: false, error: { kind: 'invalid-input', message: expect.any(String) } });
            }
            return;
          }

          // A failing get-state/get-settings handler is answered with a bare refusal (checked below).
          const refusalExpected = failing && CHANNELS_WITHOUT_ERROR_FORM.has(call.channel);
          if ((refused !== null && !refusalExpected) || calls.length !== 1) {
            stats.rejectedValid += 1;
            throw new Error(`${call.channel} refused a well-formed call from the app window`);
          }
          const parsed = INVOKE_CONTRACT[call.channel].input.parse(structuredClone(call.args));
          expect(calls[0]?.args).toEqual(parsed);
          if (!failing) {
            count(stats, 'handled');
            expect(reply).toEqual(ANSWERS[call.channel]);
            return;
          }
          count(stats, 'handler failure contained');
          // A failing handler: a typed internal error (or a bare refusal), never its message.
          if (CHANNELS_WITHOUT_ERROR_FORM.has(call.channel)) expect(refused).toBeInstanceOf(IpcRefusedError);
          else expect(reply).toMatchObject({ ok: false });
          expect(JSON.stringify(reply ?? null)).not.toContain(HANDLER_SECRET);
          expect(String(refused)).not.toContain(HANDLER_SECRET);
          for (const line of logs) expect(line).not.toContain(HANDLER_SECRET);
        }),
        fuzzParameters(NUM_RUNS, seed),
      );
    } finally {
      failHandlers = false;
      printSummary('IPC wrapper', stats, seed);
    }
    expect(stats.crashes + stats.acceptedInvalid + stats.rejectedValid).toBe(0);
    expect(stats.tally.get('handled') ?? 0).toBeGreaterThan(0);
    expect(stats.tally.get('invalid input refused') ?? 0).toBeGreaterThan(0);
    expect(stats.tally.get('foreign sender refused') ?? 0).toBeGreaterThan(0);
  });
});
