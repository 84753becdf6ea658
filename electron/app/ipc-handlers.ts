/**
 * Binds every invoke channel of the contract to the controller through the typed IPC wrapper.
 * The wrapper has already checked the sender and parsed the input when these run.
 */
import type { IpcMainWrapper } from '../ipc/ipc-main';
import type { AppController } from './app-controller';

export function registerIpcHandlers(ipc: IpcMainWrapper, controller: AppController): void {
  ipc.handle('get-state', () => controller.snapshot());
  ipc.handle('connect', () => controller.connect());
  ipc.handle('cancel', () => controller.cancel());
  ipc.handle('disconnect', () => controller.disconnect());
  ipc.handle('refresh-now', () => controller.refreshNow());
  ipc.handle('get-settings', () => controller.getSettings());
  ipc.handle('save-settings', (update) => controller.saveSettings(update));
  ipc.handle('test-api', () => controller.testApi());
  ipc.handle('confirm-pairing', () => controller.broker.confirmPairing());
  ipc.handle('decline-pairing', () => controller.broker.declinePairing());
}
