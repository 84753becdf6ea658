/**
 * The one typed wrapper over `ipcMain`: registers each contract channel with its input schema,
 * checks the sender in one place (our app window's main frame, loaded from our origin), and turns
 * every refusal or failure into a typed result. No other main-process module imports `ipcMain`.
 */
import { ipcMain } from 'electron';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import type { z } from 'zod';
import { describeError } from '../auth/redact';
import type { Logger } from '../auth/ports';
import type {
  EventChannel,
  EventContract,
  InvokeChannel,
  InvokeContract,
  SaveSettingsResult,
  UserFacingError,
} from './contract';
import { wireName } from './contract';
import { originOf } from '../windows/navigation-policy';
import { INPUT_SCHEMAS, settingsFieldErrors } from './ipc-schemas';

/** The parts of a WebFrameMain the sender check reads. */
export interface FrameIdentity {
  url: string;
  processId: number;
  routingId: number;
}

/**
 * True when `frame` is the app window's main frame (same process and routing id: not a subframe,
 * not another window) and its URL has our app origin. Origins are compared as
 * `scheme://host[:port]` because WHATWG reports `"null"` as the origin of `app:` URLs.
 */
export function isTrustedSender(
  frame: FrameIdentity | null | undefined,
  expected: { mainFrame: FrameIdentity | null | undefined; appOrigin: string },
): boolean {
  if (frame === null || frame === undefined) return false;
  const main = expected.mainFrame;
  if (main === null || main === undefined) return false;
  if (frame.processId !== main.processId || frame.routingId !== main.routingId) return false;
  return originOf(frame.url) === expected.appOrigin.toLowerCase();
}

type Request<C extends InvokeChannel> = InvokeContract[C]['request'];
type Response<C extends InvokeChannel> = InvokeContract[C]['response'];
export type Handler<C extends InvokeChannel> = (
  ...args: Request<C> extends void ? [] : [Request<C>]
) => Promise<Response<C>> | Response<C>;

/** Thrown to a caller that is not our renderer, or for a void channel's bad input. Says nothing. */
export class IpcRefusedError extends Error {
  constructor() {
    super('Request refused.');
    this.name = 'IpcRefusedError';
  }
}

/**
 * How each channel answers a refusal: channels whose response has an error form get a typed error
 * result; `get-state`/`get-settings` (no error form, and our preload never sends them arguments)
 * reject with a bare IpcRefusedError.
 */
const REFUSALS: {
  [C in InvokeChannel]: ((error: UserFacingError, issues?: z.ZodError) => Response<C>) | null;
} = {
  'get-state': null,
  'get-settings': null,
  connect: (error) => ({ ok: false, error }),
  cancel: (error) => ({ ok: false, error }),
  disconnect: (error) => ({ ok: false, error }),
  'refresh-now': (error) => ({ ok: false, error }),
  'test-api': (error) => ({ ok: false, error }),
  'confirm-pairing': (error) => ({ ok: false, error }),
  'decline-pairing': (error) => ({ ok: false, error }),
  'save-settings': (_error, issues): SaveSettingsResult => ({
    ok: false,
    fieldErrors: issues ? settingsFieldErrors(issues) : { mode: 'The settings could not be saved.' },
  }),
};

const INVALID_INPUT: UserFacingError = {
  kind: 'invalid-input',
  message: 'The app sent a request main could not read. Nothing was changed.',
};
const INTERNAL: UserFacingError = {
  kind: 'internal',
  message: 'Something went wrong inside the app. Details are in the log.',
};

export interface IpcMainWrapper {
  handle<C extends InvokeChannel>(channel: C, handler: Handler<C>): void;
  send<E extends EventChannel>(window: BrowserWindow | null, channel: E, payload: EventContract[E]): void;
  /** Removes every handler this wrapper registered (quit, tests). */
  dispose(): void;
}

/**
 * Creates the wrapper. `getAppWindow` is read on every call so a re-created window is trusted and
 * a closed one is not; `appOrigin` is `app://jobber-connect` or the dev server's origin.
 */
export function createIpcMain(options: {
  getAppWindow: () => BrowserWindow | null;
  appOrigin: string;
  logger: Logger;
  /** Sees every request and reply (tests record IPC traffic with it). */
  onTraffic?: (record: { direction: 'in' | 'out'; channel: string; payload: unknown }) => void;
}): IpcMainWrapper {
  const registered: string[] = [];
  const { logger } = options;

  function refuse<C extends InvokeChannel>(channel: C, error: UserFacingError, issues?: z.ZodError): Response<C> {
    const refusal = REFUSALS[channel];
    if (refusal === null) throw new IpcRefusedError();
    return refusal(error, issues);
  }

  return {
    handle(channel, handler) {
      const name = wireName(channel);
      const schema: z.ZodType<unknown[]> = INPUT_SCHEMAS[channel];
      ipcMain.handle(name, async (event: IpcMainInvokeEvent, ...args: unknown[]) => {
        options.onTraffic?.({ direction: 'in', channel: name, payload: args });
        const window = options.getAppWindow();
        const trusted =
          window !== null &&
          !window.isDestroyed() &&
          event.sender === window.webContents &&
          isTrustedSender(event.senderFrame, {
            mainFrame: window.webContents.mainFrame,
            appOrigin: options.appOrigin,
          });
        if (!trusted) {
          logger.warn('IPC request refused: sender is not the app window', { channel });
          throw new IpcRefusedError();
        }
        const parsed = schema.safeParse(args);
        let reply: unknown;
        if (!parsed.success) {
          logger.warn('IPC request refused: invalid input', { channel });
          reply = refuse(channel, INVALID_INPUT, parsed.error);
        } else {
          try {
            const call = handler as (...a: unknown[]) => Promise<unknown> | unknown;
            reply = await call(...parsed.data);
          } catch (error) {
            logger.error('IPC handler failed', { channel, error: describeError(error) });
            reply = refuse(channel, INTERNAL);
          }
        }
        options.onTraffic?.({ direction: 'out', channel: name, payload: reply });
        return reply;
      });
      registered.push(name);
    },

    send(window, channel, payload) {
      if (window === null || window.isDestroyed() || window.webContents.isDestroyed()) return;
      const name = wireName(channel);
      options.onTraffic?.({ direction: 'out', channel: name, payload });
      window.webContents.send(name, payload);
    },

    dispose() {
      for (const name of registered.splice(0)) ipcMain.removeHandler(name);
    },
  };
}

/**
 * Channels libraries register on import that no renderer of ours needs: electron-log's
 * `__ELECTRON_LOG__` (lets a renderer write to the log file) and electron-store's
 * `electron-store-get-data` (hands out the userData path). Our renderers cannot reach ipcRenderer,
 * but nothing should listen that does not have to.
 */
export const FOREIGN_IPC_CHANNELS = ['__ELECTRON_LOG__', 'electron-store-get-data'] as const;

/** Removes the libraries' listeners and handlers on FOREIGN_IPC_CHANNELS. */
export function removeForeignIpcChannels(): void {
  for (const channel of FOREIGN_IPC_CHANNELS) {
    ipcMain.removeAllListeners(channel);
    ipcMain.removeHandler(channel);
  }
}
