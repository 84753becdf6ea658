/**
 * One token-leak run, shared by the app-window and system-browser tests: boots main with every
 * channel captured (leak-channels.ts), drives it through IPC as the renderer would, then gathers
 * the secrets the proxy saw on the wire and scans every channel, each with its planted self-check.
 * The calling test file must install leak-channels' vi.mock factories.
 */
import { expect } from 'vitest';
import type { AppSnapshot } from '../../../electron/ipc/contract';
import type { InvokeChannel } from '../../../electron/ipc/channels';
import type { Sandbox } from '../../../sandbox/server';
import { dialog, Notification, safeStorage } from '../electron/electron-stub';
import { bootMain, waitFor, type BootedMain, type BootOptions } from './boot-main';
import {
  buildChannels,
  foreignConnections,
  recorder,
  scanChannels,
  startCapture,
  UserDataFiles,
  type ChannelReport,
  type RunRecord,
} from './leak-channels';
import { scanForLeaks, textOf, type CorpusEntry, type KnownSecret } from './leak-scanner';
import type { RecordedSecret, RecordingProxy } from './recording-proxy';

export interface LeakRun {
  booted: BootedMain;
  /** The sandbox (and its recording proxy) main runs now: saving settings starts a new one. */
  readonly sandbox: Sandbox;
  readonly proxy: RecordingProxy;
  files: UserDataFiles;
  ipcIn: CorpusEntry[];
  ipcOut: CorpusEntry[];
  errorTexts: CorpusEntry[];
  /** Secrets the proxy cannot see (stray callbacks' made-up ones, states of unproxied URLs). */
  extraSecrets: KnownSecret[];
  liveRefreshTokens: Set<string>;
  call(channel: InvokeChannel, ...args: unknown[]): Promise<unknown>;
  connection(): AppSnapshot['connection'] | undefined;
  until(status: string, label?: string): Promise<unknown>;
  /** Notes the refresh tokens the sandbox accepts now (each must have been seen on the wire). */
  sampleLive(): void;
  stopCapture(): void;
}

/** Boots main with stdout/stderr and outbound sockets captured from the first line main runs. */
export async function startLeakRun(options: BootOptions = {}): Promise<LeakRun> {
  const stopCapture = startCapture();
  let booted: BootedMain;
  try {
    booted = await bootMain(options);
  } catch (error) {
    stopCapture();
    throw error;
  }
  const current = () => {
    const started = recorder.sandboxes.at(-1);
    if (!started) throw new Error('main did not start the sandbox');
    return started;
  };
  current();
  const files = new UserDataFiles(booted.userDataDir);
  files.capture();
  process.stdout.write('leak-scan stdio marker\n');
  const run: LeakRun = {
    booted,
    get sandbox() {
      return current().sandbox;
    },
    get proxy() {
      return current().proxy;
    },
    files,
    ipcIn: [],
    ipcOut: [],
    errorTexts: [],
    extraSecrets: [],
    liveRefreshTokens: new Set(),
    async call(channel, ...args) {
      run.ipcIn.push({ source: `ipc in ${channel}`, text: textOf(args) });
      try {
        const reply = await booted.invoke(channel, ...args);
        run.ipcOut.push({ source: `ipc reply ${channel}`, text: textOf(reply) });
        const error = (reply as { error?: unknown } | undefined)?.error;
        if (error !== undefined) run.errorTexts.push({ source: `error result ${channel}`, text: textOf(error) });
        return reply;
      } catch (error) {
        run.errorTexts.push({ source: `ipc rejection ${channel}`, text: `${textOf(error)} ${(error as Error).stack ?? ''}` });
        throw error;
      } finally {
        // Every version of every file: the vault and settings change with almost every action.
        files.capture();
      }
    },
    connection: () => (booted.appWindow.webContents.sent.at(-1)?.args[0] as AppSnapshot | undefined)?.connection,
    until: (status, label = status) =>
      waitFor(() => run.connection()?.status === status, label).finally(() => files.capture()),
    sampleLive: () => {
      current().sandbox.control.liveRefreshTokens().forEach((t) => run.liveRefreshTokens.add(t));
      files.capture();
    },
    stopCapture,
  };
  return run;
}

export interface LeakRunResult {
  secrets: KnownSecret[];
  wire: RecordedSecret[];
  byField(field: string): RecordedSecret[];
  reports: ChannelReport[];
  /** Outbound connection attempts to anything but the allowed loopback ports. */
  foreign: ReturnType<typeof foreignConnections>;
  /** Plain texts of the sealed records found in userData (the stub's safeStorage opens them). */
  unsealed: string[];
  /** Texts scanned in all. */
  texts: number;
  /** Ports on 127.0.0.1 the process was allowed to connect to. */
  allowedPorts: number[];
}

/** Ends capture and scans every channel. `inputSecrets` may appear in what the renderer sent, nowhere else. */
export function finishLeakRun(
  run: LeakRun,
  options: {
    inputSecrets: KnownSecret[];
    authorizeUrls: { label: string; urls: string[] };
    loopbackAnswers?: CorpusEntry[];
    /** Ports on 127.0.0.1 the process may connect to besides the sandboxes and their proxies (the loopback receiver). */
    moreAllowedPorts?: number[];
  },
): LeakRunResult {
  run.files.capture();
  run.stopCapture();
  const { appWindow } = run.booted;
  // Every sandbox main started (saving settings restarts it), first sightings first.
  const wire = [...new Map(recorder.sandboxes.flatMap(({ proxy }) => proxy.secrets()).map((s) => [s.value, s] as const)).values()];
  const secretsByValue = new Map<string, KnownSecret>();
  for (const secret of [
    ...wire.map((s) => ({ label: s.field, value: s.value })),
    ...[...run.liveRefreshTokens].map((value) => ({ label: 'live refresh token', value })),
    ...run.extraSecrets,
    { label: 'sandbox client secret', value: 'sandbox-client-secret' },
    ...options.inputSecrets,
  ]) {
    if (!secretsByValue.has(secret.value)) secretsByValue.set(secret.value, secret);
  }
  const secrets = [...secretsByValue.values()];
  // Every refresh token the sandbox still accepts was seen on the wire: the proxy missed nothing.
  for (const token of run.liveRefreshTokens) expect(secretsByValue.get(token)?.label).toBe('refresh_token');

  const states = new Set(secrets.filter((s) => s.label === 'state').map((s) => s.value));
  const ipc = [
    ...run.ipcOut,
    ...appWindow.webContents.sent.map((m, i) => ({ source: `ipc event ${m.channel} #${i}`, text: textOf(m.args) })),
  ];
  const activity = [
    ...new Set(appWindow.webContents.sent.flatMap((m) => ((m.args[0] as AppSnapshot | undefined)?.activity ?? []).map((a) => textOf(a)))),
  ].map((text) => ({ source: 'activity entry', text }));
  const os = [
    ...Notification.shown.map((n) => ({ source: 'notification', text: textOf(n) })),
    ...dialog.shown.map((d) => ({ source: 'dialog', text: textOf(d) })),
    ...dialog.errorBoxes.map((d) => ({ source: 'error box', text: textOf(d) })),
  ];
  const record: RunRecord = {
    userData: run.files,
    ipc,
    activity,
    errorTexts: run.errorTexts,
    os,
    authorizeUrls: options.authorizeUrls,
    loopbackAnswers: options.loopbackAnswers ?? [],
    knownStates: states,
  };
  const channels = buildChannels(record);
  // The planted value is a real refresh token from the wire.
  const plant = { label: 'refresh_token', value: wire.filter((s) => s.field === 'refresh_token').at(-1)?.value ?? 'missing-refresh-token' };
  const reports = scanChannels(channels, secrets, plant);

  const sealed = run.files
    .entries()
    .flatMap((e) => [...e.text.matchAll(/"ciphertext":\s*"([A-Za-z0-9+/=]+)"/g)].map((m) => m[1] ?? ''));
  const unsealed = sealed.flatMap((c) => {
    try {
      return [safeStorage.decryptString(Buffer.from(c, 'base64'))];
    } catch {
      return [];
    }
  });
  const sandboxPorts = recorder.sandboxes.flatMap(({ sandbox, proxy }) => [Number(new URL(proxy.url).port), sandbox.port]);
  return {
    secrets,
    wire,
    byField: (field) => wire.filter((s) => s.field === field),
    reports,
    foreign: foreignConnections(recorder.connections, [...sandboxPorts, ...(options.moreAllowedPorts ?? [])]),
    allowedPorts: [...sandboxPorts, ...(options.moreAllowedPorts ?? [])],
    unsealed,
    texts: channels.reduce((n, c) => n + c.corpus.length, 0),
  };
}

/** The assertions both runs share: nothing leaks on any channel, and each channel's scan can fail. */
export function expectNoLeaks(run: LeakRun, result: LeakRunResult, inputSecrets: KnownSecret[]): void {
  for (const report of result.reports) {
    expect(report.findings, `leaks in ${report.name}`).toEqual([]);
    expect(report.planted, `planted self-check of ${report.name}`).toContainEqual(expect.objectContaining({ kind: expect.stringMatching(/^(secret|fragment):refresh_token$/) }));
  }
  // The renderer may send what was typed into it (save-settings), nothing else.
  const typed = new Set(inputSecrets.map((s) => s.value));
  expect(scanForLeaks(run.ipcIn, result.secrets.filter((s) => !typed.has(s.value)))).toEqual([]);
  // Every connection the process attempted went to the sandbox (its proxy) or the loopback receiver.
  expect(result.foreign).toEqual([]);
  expect(recorder.connections.length).toBeGreaterThan(0);
  // …and that check can fail: a planted attempt to reach Jobber (or another local port) is reported.
  const planted = [{ host: 'api.getjobber.com', port: 443, path: null }, { host: '127.0.0.1', port: 1, path: null }];
  expect(foreignConnections([...recorder.connections, ...planted], result.allowedPorts)).toEqual(planted);
  // The vault really held tokens, sealed: the scan of userData is not empty by accident.
  const refreshTokens = result.byField('refresh_token').map((s) => s.value);
  expect(result.unsealed.some((text) => refreshTokens.some((t) => text.includes(t)))).toBe(true);
  expect(run.files.names().some((n) => n.startsWith('connection-'))).toBe(true);
  expect(run.files.names()).toContain('settings.json');
  expect(run.files.names()).toContain('logs/main.log');
  expect([...run.files.skipped].every((n) => n.startsWith('sandbox-state.json'))).toBe(true);
  expect(recorder.atomicWrites.length).toBeGreaterThan(0);
  // The stdout/stderr hook works (a harmless marker, so the channel is not empty by construction).
  expect(recorder.stdio.some((s) => s.text.includes('leak-scan stdio marker'))).toBe(true);
}
