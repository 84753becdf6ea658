/**
 * The application menu template: standard roles plus "Open Logs Folder" under Help. Pure data so
 * the items are testable; main.ts builds it with Menu.buildFromTemplate. A packaged build gets a
 * View menu without Reload or Toggle Developer Tools (the built-in `viewMenu` role carries both).
 */
import type { MenuItemConstructorOptions } from 'electron';

/** Zoom and full screen only: nothing that reloads the page or opens DevTools. */
const PACKAGED_VIEW_MENU: MenuItemConstructorOptions = {
  label: 'View',
  submenu: [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ],
};

/** The menu for `platform`; `packaged` (app.isPackaged) drops the developer items. */
export function appMenuTemplate(options: {
  platform: NodeJS.Platform;
  packaged: boolean;
  openLogsFolder: () => void;
}): MenuItemConstructorOptions[] {
  const template: MenuItemConstructorOptions[] = [];
  if (options.platform === 'darwin') template.push({ role: 'appMenu' });
  template.push(
    { role: 'fileMenu' },
    { role: 'editMenu' },
    options.packaged ? PACKAGED_VIEW_MENU : { role: 'viewMenu' },
    { role: 'windowMenu' },
  );
  template.push({
    role: 'help',
    submenu: [{ label: 'Open Logs Folder', click: () => options.openLogsFolder() }],
  });
  return template;
}
