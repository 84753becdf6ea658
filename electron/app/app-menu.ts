/**
 * The application menu template: standard roles plus "Open Logs Folder" under Help. Pure data so
 * the item is testable; main.ts builds it with Menu.buildFromTemplate.
 */
import type { MenuItemConstructorOptions } from 'electron';

export function appMenuTemplate(options: { platform: NodeJS.Platform; openLogsFolder: () => void }): MenuItemConstructorOptions[] {
  const template: MenuItemConstructorOptions[] = [];
  if (options.platform === 'darwin') template.push({ role: 'appMenu' });
  template.push({ role: 'fileMenu' }, { role: 'editMenu' }, { role: 'viewMenu' }, { role: 'windowMenu' });
  template.push({
    role: 'help',
    submenu: [{ label: 'Open Logs Folder', click: () => options.openLogsFolder() }],
  });
  return template;
}
