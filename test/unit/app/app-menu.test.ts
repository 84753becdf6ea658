import { describe, expect, it } from 'vitest';
import { appMenuTemplate } from '../../../electron/app/app-menu';

describe('app menu', () => {
  it('has an Open Logs Folder item', () => {
    let opened = 0;
    const template = appMenuTemplate({ platform: 'linux', packaged: true, openLogsFolder: () => (opened += 1) });
    const item = template.flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : [])).find((m) => m.label === 'Open Logs Folder');
    (item?.click as (() => void) | undefined)?.();
    expect(opened).toBe(1);
  });
});

describe('app menu and DevTools', () => {
  type Item = { role?: string; label?: string; submenu?: unknown };
  const flatten = (items: Item[]): Item[] =>
    items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu as Item[]) : [])]);
  const roles = (items: Item[]) => flatten(items).map((item) => item.role?.toLowerCase());

  it.each(['linux', 'darwin', 'win32'] as const)('packaged (%s): no DevTools, reload or the built-in View menu that carries them', (platform) => {
    const template = appMenuTemplate({ platform, packaged: true, openLogsFolder: () => {} }) as Item[];
    const all = roles(template);
    // 'viewMenu' expands to Reload, Force Reload and Toggle Developer Tools.
    for (const role of ['viewmenu', 'toggledevtools', 'reload', 'forcereload']) expect(all).not.toContain(role);
    const view = template.find((item) => item.label === 'View');
    expect(roles((view?.submenu as Item[] | undefined) ?? [])).toEqual(
      expect.arrayContaining(['resetzoom', 'zoomin', 'zoomout', 'togglefullscreen']),
    );
  });

  it('unpackaged (development): keeps the standard View menu with DevTools', () => {
    expect(roles(appMenuTemplate({ platform: 'linux', packaged: false, openLogsFolder: () => {} }) as Item[])).toContain('viewmenu');
  });
});
