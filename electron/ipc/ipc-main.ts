/**
 * The one typed wrapper over `ipcMain`: registers each contract channel with its input schema,
 * checks the sender in one place (our app window's main frame, loaded from our origin), and turns
 * every refusal or failure into the channel's typed answer (INVOKE_CONTRACT). No other
 * main-process module imports `ipcMain`.
 */
import { ipcMain } from 'electron';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import type { z } from 'zod';
import { describeError } from '../core/redact';
import type { Logger } from '../core/logger';
import { wireName, type EventChannel, type InvokeChannel } from './channels';
import {
  INVOKE_CONTRACT,
  type EventContract,
  type ParsedArgs,
  type Response,
  type UserFacingError,
} from './contract';
import { isOnOrigin } from '../core/url';

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
  return isOnOrigin(frame.url, expected.appOrigin);
}

/** A channel's handler: gets the parsed arguments, returns the channel's response. */
export type Handler<C extends InvokeChannel> = (...args: ParsedArgs<C>) => Promise<Response<C>> | Response<C>;

/** One handler per channel of the contract: a missing channel is a compile error. */
export type Handlers = { [C in InvokeChannel]: Handler<C> };

/** Thrown to a caller that is not our renderer, or for a void channel's bad input. Says nothing. */
export class IpcRefusedError extends Error {
  constructor() {
    super('Request refused.');
    this.name = 'IpcRefusedError';
  }
}

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
  /** Registers every channel of the contract. */
  handleAll(handlers: Handlers): void;
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

  function refuse(channel: InvokeChannel, error: UserFacingError, issues?: z.ZodError): unknown {
    const refusal: ((error: UserFacingError, issues?: z.ZodError) => unknown) | null = INVOKE_CONTRACT[channel].answer.refuse;
    if (refusal === null) throw new IpcRefusedError();
    return refusal(error, issues);
  }

  const wrapper: IpcMainWrapper = {
    handleAll(handlers) {
      for (const channel of Object.keys(INVOKE_CONTRACT) as InvokeChannel[]) {
        wrapper.handle(channel, handlers[channel] as Handler<typeof channel>);
      }
    },

    handle(channel, handler) {
      const name = wireName(channel);
      const schema: z.ZodType<readonly unknown[]> = INVOKE_CONTRACT[channel].input;
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
  return wrapper;
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
