/**
 * Recording for the token-leak tests (app-window and system-browser sign-in): every channel by
 * which text can leave the main process is captured here, so both tests scan the same set and
 * prove each channel's scan able to fail with a planted secret.
 *
 * The module state is one per test file (vitest gives each file its own module graph). The test
 * files' vi.mock factories call the `*Module` functions below; `startCapture` hooks stdout/stderr
 * and outbound sockets for the run.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Sandbox, SandboxOptions } from '../../../sandbox/server';
import { scanForLeaks, textOf, type CorpusEntry, type KnownSecret, type LeakFinding } from './leak-scanner';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy';

/** One outbound connection attempt (net.Socket#connect, which http, https, tls and fetch all reach). */
export interface ConnectAttempt {
  host: string;
  port: number | null;
  path: string | null;
}

export const recorder = {
  logLines: [] as Array<{ level: string; text: string }>,
  sandboxes: [] as Array<{ sandbox: Sandbox; proxy: RecordingProxy }>,
  authErrors: [] as Error[],
  /** Everything written to stdout/stderr (streams and console methods) while capturing. */
  stdio: [] as Array<{ stream: string; text: string }>,
  connections: [] as ConnectAttempt[],
  /** Every atomic write electron-store made: the temp file's path and exact content before the rename. */
  atomicWrites: [] as Array<{ file: string; text: string }>,
};

// ---------------------------------------------------------------------------------------------
// vi.mock factories

/**
 * electron-log/main needs the Electron binary: this stands in for it. It records each line and
 * writes it, as electron-log's file transport would, to the file createAppLogger configured
 * (userData/logs/main.log), so the real log file exists and is scanned with the other files.
 */
export function electronLogModule(): unknown {
  const file: { resolvePathFn?: () => string; writeOptions?: { mode?: number } } = {};
  const line =
    (level: string) =>
    (...args: unknown[]): void => {
      const text = args.map(textOf).join(' ');
      recorder.logLines.push({ level, text });
      const target = file.resolvePathFn?.();
      if (target !== undefined) {
        fs.appendFileSync(target, `[${new Date().toISOString()}] [${level}] ${text}\n`, { mode: file.writeOptions?.mode ?? 0o600 });
      }
    };
  return { default: { transports: { file, console: {} }, info: line('info'), warn: line('warn'), error: line('error') } };
}

/** The sandbox main starts, with a recording proxy in front of it. */
export function recordedSandboxModule(actual: typeof import('../../../sandbox/server')): unknown {
  return {
    ...actual,
    startSandbox: async (options?: SandboxOptions) => {
      const sandbox = await actual.startSandbox(options);
      const proxy = await startRecordingProxy(sandbox.url);
      recorder.sandboxes.push({ sandbox, proxy });
      return {
        ...sandbox,
        url: proxy.url,
        close: async () => {
          await proxy.close();
          await sandbox.close();
        },
      };
    },
  };
}

/** Every AuthError the app constructs, thrown or not, is recorded. */
export function recordedAuthErrorsModule(actual: typeof import('../../../electron/core/errors')): unknown {
  class RecordedAuthError extends actual.AuthError {
    constructor(...args: ConstructorParameters<typeof actual.AuthError>) {
      super(...args);
      recorder.authErrors.push(this);
    }
  }
  return { ...actual, AuthError: RecordedAuthError };
}

/** electron-store's atomic writer (through conf): records what each temp file held. */
export function recordedAtomicallyModule(actual: typeof import('atomically')): unknown {
  return {
    ...actual,
    writeFileSync: (...args: Parameters<typeof actual.writeFileSync>) => {
      const [file, data] = args;
      recorder.atomicWrites.push({ file: String(file), text: typeof data === 'string' ? data : Buffer.from(data as Uint8Array).toString('utf8') });
      return actual.writeFileSync(...args);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Capture for the run

function describeConnect(args: unknown[]): ConnectAttempt {
  // net.connect passes its normalised arguments as an array; sockets may also be given (options),
  // (port, host) or (path).
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: unknown; port?: unknown; path?: unknown };
    if (typeof o.path === 'string') return { host: '', port: null, path: o.path };
    return { host: typeof o.host === 'string' ? o.host : 'localhost', port: o.port === undefined ? null : Number(o.port), path: null };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { host: '', port: null, path: first };
  const host = Array.isArray(args[0]) ? undefined : args[1];
  return { host: typeof host === 'string' ? host : 'localhost', port: first === undefined ? null : Number(first), path: null };
}

/**
 * Hooks process.stdout/stderr, the console methods and net.Socket#connect (every TCP or TLS
 * connection, whoever opens it: axios, fetch, http). Writes still go through. Returns the undo.
 */
export function startCapture(): () => void {
  const undo: Array<() => void> = [];
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    const write = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      recorder.stdio.push({ stream: name, text: typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8') });
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof stream.write;
    undo.push(() => {
      stream.write = write;
    });
  }
  const target = console as unknown as Record<string, (...args: unknown[]) => void>;
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = target[method];
    if (original === undefined) continue;
    target[method] = (...args: unknown[]) => {
      recorder.stdio.push({ stream: `console.${method}`, text: args.map(textOf).join(' ') });
      original.apply(console, args);
    };
    undo.push(() => {
      target[method] = original;
    });
  }
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    recorder.connections.push(describeConnect(args));
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;
  undo.push(() => {
    net.Socket.prototype.connect = connect;
  });
  return () => undo.reverse().forEach((u) => u());
}

// ---------------------------------------------------------------------------------------------
// userData

/**
 * The sandbox's own database (grants and their refresh tokens in clear, as Jobber's servers hold
 * them): written to userData by sandbox mode only, and the one file the scan leaves out.
 */
export const SANDBOX_STATE = /^sandbox-state\.json(\.\d+\.\d+\.tmp)?$/;

/** Collects every distinct version of every file under userData (call after each step: files change). */
export class UserDataFiles {
  private readonly versions = new Map<string, CorpusEntry>();
  readonly skipped = new Set<string>();
  constructor(private readonly dir: string) {}

  capture(): void {
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (!entry.isFile()) continue;
        else if (SANDBOX_STATE.test(entry.name)) this.skipped.add(entry.name);
        else {
          let text: string;
          try {
            text = fs.readFileSync(full, 'utf8');
          } catch {
            continue; // renamed between readdir and read: the next capture sees it
          }
          const rel = path.relative(this.dir, full);
          this.versions.set(`${rel}\0${text}`, { source: `userData ${rel}`, text });
        }
      }
    };
    walk(this.dir);
  }

  entries(): CorpusEntry[] {
    return [...this.versions.values()];
  }

  /** Relative names seen. */
  names(): string[] {
    return [...new Set(this.entries().map((e) => e.source.slice('userData '.length)))];
  }
}

// ---------------------------------------------------------------------------------------------
// Channels, the scan and the planted self-check

export interface Channel {
  name: string;
  corpus: CorpusEntry[];
  /** A copy of the corpus with `secret` planted the way this channel would leak it. */
  plant(secret: string): CorpusEntry[];
}

/** Outbound connections as a channel: host names can carry a secret too (a DNS exfiltration). */
export function connectionCorpus(connections: readonly ConnectAttempt[]): CorpusEntry[] {
  return connections.map((c, i) => ({ source: `connect #${i}`, text: c.path ?? `${c.host}:${c.port ?? ''}` }));
}

/** Connection attempts that go anywhere but 127.0.0.1 at one of `allowedPorts`. */
export function foreignConnections(connections: readonly ConnectAttempt[], allowedPorts: readonly number[]): ConnectAttempt[] {
  return connections.filter((c) => c.path !== null || c.host !== '127.0.0.1' || c.port === null || !allowedPorts.includes(c.port));
}

/**
 * An authorize URL handed out (to the auth window, or to the system browser by openExternal)
 * necessarily carries its own `state`; that one value is masked after checking it is a known one,
 * and the rest of the URL is scanned against every secret.
 */
export function authorizeUrlCorpus(label: string, urls: readonly string[], knownStates: ReadonlySet<string>): CorpusEntry[] {
  return urls.map((url, i) => {
    const parsed = new URL(url);
    const state = parsed.searchParams.get('state');
    if (state !== null && knownStates.has(state)) parsed.searchParams.set('state', 'own-state');
    return { source: `${label} #${i}`, text: parsed.toString() };
  });
}

export interface ChannelReport {
  name: string;
  entries: number;
  findings: LeakFinding[];
  /** What the scanner found in the planted copy (must name the planted entry). */
  planted: LeakFinding[];
}

/** Scans each channel, and scans a planted copy of it: the second must report the planted secret. */
export function scanChannels(channels: readonly Channel[], secrets: readonly KnownSecret[], plant: KnownSecret): ChannelReport[] {
  return channels.map((channel) => ({
    name: channel.name,
    entries: channel.corpus.length,
    findings: scanForLeaks(channel.corpus, secrets),
    planted: scanForLeaks(channel.plant(plant.value), secrets).filter((f) => f.source.startsWith('planted')),
  }));
}

/** `corpus` with one planted entry appended. */
export function withPlanted(corpus: readonly CorpusEntry[], text: string): CorpusEntry[] {
  return [...corpus, { source: 'planted', text }];
}

/** What a test recorded beyond the module-wide recorder. */
export interface RunRecord {
  userData: UserDataFiles;
  /** IPC replies, rejections and every event sent to the app window. */
  ipc: CorpusEntry[];
  activity: CorpusEntry[];
  /** Error results and rejections returned to the renderer. */
  errorTexts: CorpusEntry[];
  /** Notifications and dialogs shown. */
  os: CorpusEntry[];
  /** Authorize URLs handed out: to the auth window (app-window mode) or to openExternal (system browser). */
  authorizeUrls: { label: string; urls: string[] };
  /** Every HTTP answer (status, headers, body) the loopback receiver gave the browser. */
  loopbackAnswers: CorpusEntry[];
  knownStates: ReadonlySet<string>;
}

/** Every channel, each with its planted form. */
export function buildChannels(run: RunRecord): Channel[] {
  const vault = run.userData.entries().find((e) => e.source.includes('connection-'));
  const authorize = authorizeUrlCorpus(run.authorizeUrls.label, run.authorizeUrls.urls, run.knownStates);
  return [
    {
      name: 'userData files (vault, settings, corrupt copies, temp files, log file)',
      corpus: run.userData.entries(),
      // A vault that forgot to seal: the record's ciphertext is the JSON itself, base64-encoded.
      plant: (secret) =>
        withPlanted(
          run.userData.entries(),
          (vault?.text ?? '{"connection":{"version":1,"backend":"gnome_libsecret","ciphertext":"x"}}').replace(
            /"ciphertext":\s*"[^"]*"/,
            `"ciphertext": "${Buffer.from(JSON.stringify({ tokens: { refreshToken: secret } })).toString('base64')}"`,
          ),
        ),
    },
    {
      name: 'temp files (every atomic write before its rename)',
      corpus: recorder.atomicWrites.map((w, i) => ({ source: `atomic write #${i} ${path.basename(w.file)}`, text: w.text })),
      plant: (secret) => withPlanted([], `{"connection":"${Buffer.from(secret).toString('hex')}"}`),
    },
    {
      name: 'stdout/stderr',
      corpus: recorder.stdio.map((s, i) => ({ source: `${s.stream} #${i}`, text: s.text })),
      plant: (secret) => withPlanted(recorder.stdio.map((s, i) => ({ source: `${s.stream} #${i}`, text: s.text })), `token response { refresh_token: '${secret}' }\n`),
    },
    {
      name: 'log lines',
      corpus: recorder.logLines.map((l, i) => ({ source: `log ${l.level} #${i}`, text: l.text })),
      plant: (secret) => withPlanted(recorder.logLines.map((l, i) => ({ source: `log ${l.level} #${i}`, text: l.text })), `Refreshed {"refresh_token":"${secret}"}`),
    },
    {
      name: 'IPC (replies, rejections, events)',
      corpus: run.ipc,
      plant: (secret) => withPlanted(run.ipc, textOf([{ connection: { status: 'connected', tokens: { refreshToken: secret } } }])),
    },
    {
      name: 'activity',
      corpus: run.activity,
      // A truncated token is still a leak.
      plant: (secret) => withPlanted(run.activity, textOf({ level: 'warn', message: `Refresh failed for ${secret.slice(0, 20)}…` })),
    },
    {
      name: 'error texts (results, rejections, every AuthError)',
      corpus: [...run.errorTexts, ...recorder.authErrors.map((e, i) => ({ source: `AuthError #${i}`, text: `${e.message} ${e.stack ?? ''}` }))],
      plant: (secret) => withPlanted(run.errorTexts, `AuthError: refused (body: grant_type=refresh_token&refresh_token=${encodeURIComponent(secret)})`),
    },
    {
      name: 'notifications and dialogs',
      corpus: run.os,
      plant: (secret) => withPlanted(run.os, textOf({ title: 'Jobber Connect', body: `Connected with ${secret}` })),
    },
    {
      name: 'outbound connections (host names)',
      corpus: connectionCorpus(recorder.connections),
      plant: (secret) => withPlanted(connectionCorpus(recorder.connections), `${secret}.exfil.example:443`),
    },
    {
      name: run.authorizeUrls.label,
      corpus: authorize,
      plant: (secret) => withPlanted(authorize, `${run.authorizeUrls.urls[0] ?? 'https://example.invalid/'}&refresh_token=${secret}`),
    },
    {
      name: 'loopback receiver answers',
      corpus: run.loopbackAnswers,
      plant: (secret) => withPlanted(run.loopbackAnswers, `200 text/html <p>Signed in (code ${secret})</p>`),
    },
  ];
}
