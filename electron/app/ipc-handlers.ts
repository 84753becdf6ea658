/**
 * Binds every invoke channel of the contract to the controller through the typed IPC wrapper.
 * The wrapper has already checked the sender and parsed the input when these run; the Handlers
 * type makes a channel without a handler a compile error.
 */
import type { IpcMainWrapper } from '../ipc/ipc-main';
import type { AppController } from './app-controller';

export function registerIpcHandlers(ipc: IpcMainWrapper, controller: AppController): void {
  ipc.handleAll({
    'get-state': () => controller.snapshot(),
    connect: () => controller.connect(),
    cancel: () => controller.cancel(),
    disconnect: () => controller.disconnect(),
    'refresh-now': () => controller.refreshNow(),
    'get-settings': () => controller.settings.view(),
    'save-settings': (update) => controller.settings.save(update),
    'test-api': () => controller.testApi(),
    'confirm-pairing': () => controller.broker.confirmPairing(),
    'decline-pairing': () => controller.broker.declinePairing(),
  });
}
