/**
 * A programmable fake of the parts of `electron` the main process and preload use. vitest's 'main'
 * project aliases `electron` to this file, so production modules run unchanged against it; tests
 * import the same module to drive events and read what happened. Call `resetElectronStub()` in
 * `beforeEach`.
 */
import { EventEmitter } from 'node:events';

/** An Electron-style event object: listeners may call preventDefault(). */
export class FakeEvent<T extends object = object> {
  defaultPrevented = false;
  constructor(props?: T) {
    if (props) Object.assign(this, props);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

let nextId = 1;

export class FakeWebFrameMain {
  readonly processId: number;
  readonly routingId: number;
  constructor(
    public url: string,
    ids?: { processId: number; routingId: number },
  ) {
    this.processId = ids?.processId ?? nextId++;
    this.routingId = ids?.routingId ?? nextId++;
  }
}

type WindowOpenHandler = (details: { url: string }) => { action: 'deny' | 'allow' };

export class FakeProtocol {
  readonly handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  privileged: unknown[] = [];
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    if (this.handlers.has(scheme)) throw new Error(`protocol ${scheme} already handled`);
    this.handlers.set(scheme, handler);
  }
  unhandle(scheme: string): void {
    this.handlers.delete(scheme);
  }
  isProtocolHandled(scheme: string): boolean {
    return this.handlers.has(scheme);
  }
  registerSchemesAsPrivileged(records: unknown[]): void {
    this.privileged.push(...records);
  }
  /** Test helper: performs a request through a registered handler (headers as Chromium would send them). */
  async request(url: string, headers: Record<string, string> = {}): Promise<Response> {
    const scheme = url.slice(0, url.indexOf(':'));
    const handler = this.handlers.get(scheme);
    if (!handler) throw new Error(`no handler for ${scheme}`);
    return handler(new Request(url, { headers }));
  }
}

type PermissionRequestHandler = (
  webContents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: unknown,
) => void;
type PermissionCheckHandler = (webContents: unknown, permission: string) => boolean;
type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;

/** Session events used: 'will-download' (event, item, webContents, frame). */
export class FakeSession extends EventEmitter {
  readonly protocol = new FakeProtocol();
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;
  headersListener: HeadersListener | null = null;
  clearedStorage = 0;
  clearedCache = 0;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener | null) => {
      this.headersListener = listener;
    },
  };
  constructor(readonly partition: string) {
    super();
  }
  /** Test helper: a frame starts a download; says whether a listener cancelled it. */
  download(url: string): FakeEvent {
    const event = new FakeEvent();
    this.emit('will-download', event, { getURL: () => url }, null, null);
    return event;
  }
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.permissionCheckHandler = handler;
  }
  async clearStorageData(): Promise<void> {
    this.clearedStorage += 1;
  }
  async clearCache(): Promise<void> {
    this.clearedCache += 1;
  }
  /** Test helper: asks the permission handler and returns its answer. */
  requestPermission(permission: string): Promise<boolean> {
    return new Promise((resolve) => {
      if (!this.permissionRequestHandler) return resolve(true);
      this.permissionRequestHandler({}, permission, resolve, {});
    });
  }
}

export interface SentMessage {
  channel: string;
  args: unknown[];
}

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly mainFrame: FakeWebFrameMain;
  windowOpenHandler: WindowOpenHandler | null = null;
  readonly loadedUrls: string[] = [];
  readonly sent: SentMessage[] = [];
  destroyed = false;
  /** Set to make the next loadURL reject (like a failed navigation). */
  failNextLoad: Error | null = null;
  devToolsOpened = false;
  /** How many times focus() was called. */
  focusCount = 0;

  constructor(readonly session: FakeSession) {
    super();
    this.mainFrame = new FakeWebFrameMain('about:blank');
  }
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrls.push(url);
    this.mainFrame.url = url;
    if (this.failNextLoad) {
      const error = this.failNextLoad;
      this.failNextLoad = null;
      throw error;
    }
  }
  getURL(): string {
    return this.mainFrame.url;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args: structuredClone(args) });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  openDevTools(): void {
    this.devToolsOpened = true;
  }
  focus(): void {
    this.focusCount += 1;
  }
  /** Like `webContents.close()` without waitForBeforeUnload: destroyed at once, 'destroyed' emitted. */
  close(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('destroyed');
  }
  /**
   * Test helper: a navigation commits (after any redirects). A cross-document main-frame commit
   * emits 'did-navigate' (event, url, httpResponseCode, httpStatusText); a same-document one
   * 'did-navigate-in-page' (event, url, isMainFrame, frameProcessId, frameRoutingId), as Electron 45.
   * A cross-document subframe commit emits 'did-frame-navigate' and leaves the main frame's URL alone.
   */
  commitNavigation(url: string, options: { inPage?: boolean; isMainFrame?: boolean; httpResponseCode?: number } = {}): void {
    const isMainFrame = options.isMainFrame ?? true;
    if (isMainFrame) this.mainFrame.url = url;
    const code = options.httpResponseCode ?? (/^https?:/i.test(url) ? 200 : -1);
    const status = code === -1 ? '' : 'OK';
    if (options.inPage) {
      this.emit('did-navigate-in-page', new FakeEvent(), url, isMainFrame, this.mainFrame.processId, this.mainFrame.routingId);
    } else if (isMainFrame) {
      this.emit('did-navigate', new FakeEvent(), url, code, status);
    } else {
      this.emit('did-frame-navigate', new FakeEvent(), url, code, status, false, nextId++, nextId++);
    }
  }
  /** Test helper: fires a navigation event and says whether a listener prevented it. */
  navigate(
    kind: 'will-navigate' | 'will-redirect' | 'will-frame-navigate',
    url: string,
    options: { isMainFrame?: boolean } = {},
  ): FakeEvent<{ url: string }> {
    const event = new FakeEvent({ url, isMainFrame: options.isMainFrame ?? true, isSameDocument: false, frame: null });
    if (kind === 'will-frame-navigate') this.emit(kind, event);
    else this.emit(kind, event, url, false, options.isMainFrame ?? true);
    return event as FakeEvent<{ url: string }>;
  }
  /**
   * Test helper: a server asks for a client certificate ('select-client-certificate': event, url,
   * certificateList, callback). Returns whether the default (first certificate) was prevented and
   * what the callback was given.
   */
  requestClientCertificate(url: string, certificates: unknown[]): { prevented: boolean; answered: unknown[] | null } {
    const event = new FakeEvent();
    let answered: unknown[] | null = null;
    this.emit('select-client-certificate', event, url, certificates, (...args: unknown[]) => {
      answered = args;
    });
    return { prevented: event.defaultPrevented, answered };
  }
  /** Test helper: asks the window-open handler. */
  openWindow(url: string): { action: 'deny' | 'allow' } | null {
    return this.windowOpenHandler ? this.windowOpenHandler({ url }) : null;
  }
}

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Electron's View (30+): a node of the window's view tree. 'bounds-changed' is emitted when a
 * layout changes the bounds (here: setBounds with different bounds).
 */
export class View extends EventEmitter {
  private readonly childViews: View[] = [];
  private bounds: Rectangle = { x: 0, y: 0, width: 0, height: 0 };
  private visible = true;
  backgroundColor: string | null = null;
  /** The view's parent, if added to one (not part of Electron's API; for the stub's bookkeeping). */
  parentView: View | null = null;

  /** A copy, like Electron's `children` getter. */
  get children(): View[] {
    return [...this.childViews];
  }
  /** Adds on top (or at `index`); re-adding an existing child moves it to the top. */
  addChildView(view: View, index?: number): void {
    if (view === this) throw new Error('A view cannot be its own child');
    view.parentView?.removeChildView(view);
    if (index === undefined || index < 0 || index > this.childViews.length) this.childViews.push(view);
    else this.childViews.splice(index, 0, view);
    view.parentView = this;
  }
  /** No-op for a view that is not a child. */
  removeChildView(view: View): void {
    const at = this.childViews.indexOf(view);
    if (at === -1) return;
    this.childViews.splice(at, 1);
    view.parentView = null;
  }
  setBounds(bounds: Rectangle): void {
    const next = { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height };
    const changed = Object.keys(next).some((k) => next[k as keyof Rectangle] !== this.bounds[k as keyof Rectangle]);
    this.bounds = next;
    if (changed) this.emit('bounds-changed');
  }
  getBounds(): Rectangle {
    return { ...this.bounds };
  }
  setVisible(visible: boolean): void {
    this.visible = visible;
  }
  getVisible(): boolean {
    return this.visible;
  }
  setBackgroundColor(color: string): void {
    this.backgroundColor = color;
  }
}

/** Electron's WebContentsView: `new WebContentsView({ webPreferences?, webContents? })`. */
export class WebContentsView extends View {
  static instances: WebContentsView[] = [];
  readonly webContents: FakeWebContents;
  constructor(readonly options: { webPreferences?: Record<string, unknown>; webContents?: FakeWebContents } = {}) {
    super();
    if (options.webContents) {
      this.webContents = options.webContents;
    } else {
      const partition = options.webPreferences?.partition;
      const ses = typeof partition === 'string' ? session.fromPartition(partition) : session.defaultSession;
      this.webContents = new FakeWebContents(ses);
    }
    WebContentsView.instances.push(this);
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.instances.filter((w) => !w.destroyed);
  }

  readonly webContents: FakeWebContents;
  /**
   * As in Electron 30+: a BrowserWindow's content view is the WebContentsView of its own
   * webContents, laid out to fill the window; child views are drawn on top of that page. Destroying
   * the window destroys its own webContents, not those of child views (the owner closes them).
   */
  readonly contentView: WebContentsView;
  destroyed = false;
  visible = false;
  focusCount = 0;
  minimized = false;
  private bounds: Rectangle;

  constructor(readonly options: Record<string, unknown> & { webPreferences?: Record<string, unknown> } = {}) {
    super();
    const partition = options.webPreferences?.partition;
    const ses = typeof partition === 'string' ? session.fromPartition(partition) : session.defaultSession;
    this.webContents = new FakeWebContents(ses);
    this.contentView = new WebContentsView({ webContents: this.webContents });
    WebContentsView.instances.pop();
    this.bounds = {
      x: (options.x as number | undefined) ?? 0,
      y: (options.y as number | undefined) ?? 0,
      width: (options.width as number | undefined) ?? 800,
      height: (options.height as number | undefined) ?? 600,
    };
    this.contentView.setBounds({ x: 0, y: 0, width: this.bounds.width, height: this.bounds.height });
    BrowserWindow.instances.push(this);
  }
  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url);
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focusCount += 1;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getBounds(): Rectangle {
    return { ...this.bounds };
  }
  getNormalBounds(): Rectangle {
    return { ...this.bounds };
  }
  /** Frameless in the stub: the content area is the whole window. */
  getContentSize(): number[] {
    return [this.bounds.width, this.bounds.height];
  }
  getContentBounds(): Rectangle {
    return { ...this.bounds };
  }
  /** Emits 'resize' when the size changed (and 'move' when the position did), as Electron does. */
  setBounds(bounds: Partial<Rectangle>): void {
    const before = this.bounds;
    this.bounds = { ...this.bounds, ...bounds };
    this.contentView.setBounds({ x: 0, y: 0, width: this.bounds.width, height: this.bounds.height });
    if (before.x !== this.bounds.x || before.y !== this.bounds.y) this.emit('move');
    if (before.width !== this.bounds.width || before.height !== this.bounds.height) this.emit('resize');
  }
  isMaximized(): boolean {
    return false;
  }
  setTitle(title: string): void {
    this.options.title = title;
  }
  close(): void {
    if (this.destroyed) return;
    const event = new FakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

const partitions = new Map<string, FakeSession>();
export const session = {
  defaultSession: new FakeSession('default'),
  fromPartition(partition: string): FakeSession {
    let found = partitions.get(partition);
    if (!found) {
      found = new FakeSession(partition);
      partitions.set(partition, found);
    }
    return found;
  },
};

export const protocol = new FakeProtocol();

/** safeStorage with a switchable backend; ciphertext is tagged with a key so a key change fails. */
export const safeStorageControl = {
  available: true,
  backend: 'gnome_libsecret' as string,
  key: 'key-1',
  asyncApi: true,
  shouldReEncrypt: false,
  encryptCalls: 0,
  /** Set by setUsePlainTextEncryption; Electron 41+ reports basic_text as unavailable without it. */
  plainTextAllowed: false,
};

/** As Electron reports it: a keyring-less Linux (basic_text) is unavailable unless plain text was allowed. */
function fakeAvailable(): boolean {
  if (!safeStorageControl.available) return false;
  return safeStorageControl.backend !== 'basic_text' || safeStorageControl.plainTextAllowed;
}

function fakeEncrypt(plainText: string): Buffer {
  safeStorageControl.encryptCalls += 1;
  if (!fakeAvailable()) throw new Error('Encryption is not available.');
  return Buffer.from(`${safeStorageControl.key}|${Buffer.from(plainText, 'utf8').toString('hex')}`, 'utf8');
}
function fakeDecrypt(cipher: Buffer): string {
  const [key, hex] = cipher.toString('utf8').split('|');
  if (key !== safeStorageControl.key || hex === undefined) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
  return Buffer.from(hex, 'hex').toString('utf8');
}

export const safeStorage = {
  getSelectedStorageBackend: () => safeStorageControl.backend,
  isEncryptionAvailable: () => fakeAvailable(),
  encryptString: (plainText: string) => fakeEncrypt(plainText),
  decryptString: (cipher: Buffer) => fakeDecrypt(cipher),
  setUsePlainTextEncryption: (usePlainText: boolean) => {
    safeStorageControl.plainTextAllowed = usePlainText;
  },
  get encryptStringAsync() {
    return safeStorageControl.asyncApi ? async (plainText: string) => fakeEncrypt(plainText) : undefined;
  },
  get decryptStringAsync() {
    return safeStorageControl.asyncApi
      ? async (cipher: Buffer) => ({ result: fakeDecrypt(cipher), shouldReEncrypt: safeStorageControl.shouldReEncrypt })
      : undefined;
  },
  get isAsyncEncryptionAvailable() {
    return safeStorageControl.asyncApi ? async () => fakeAvailable() : undefined;
  },
};

class FakeApp extends EventEmitter {
  paths: Record<string, string> = { userData: '/tmp/jobber-connect-stub', appData: '/tmp', logs: '/tmp/logs' };
  isPackaged = false;
  ready = false;
  singleInstanceLock = true;
  quitCalls = 0;
  readonly defaultProtocolClients: Array<{ scheme: string; args: unknown[] }> = [];
  setPath(name: string, value: string): void {
    this.paths[name] = value;
  }
  getPath(name: string): string {
    const value = this.paths[name];
    if (value === undefined) throw new Error(`unknown path ${name}`);
    return value;
  }
  getVersion(): string {
    return '0.1.0';
  }
  getName(): string {
    return 'Jobber Connect';
  }
  getAppPath(): string {
    return process.cwd();
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstanceLock;
  }
  setAsDefaultProtocolClient(scheme: string, ...args: unknown[]): boolean {
    this.defaultProtocolClients.push({ scheme, args });
    return true;
  }
  isReady(): boolean {
    return this.ready;
  }
  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((resolve) => this.once('ready', () => resolve()));
  }
  quit(): void {
    this.quitCalls += 1;
  }
  exit(): void {
    this.quitCalls += 1;
  }
}
export const app = new FakeApp();

export const shell = {
  opened: [] as string[],
  openedPaths: [] as string[],
  async openExternal(url: string): Promise<void> {
    shell.opened.push(url);
  },
  async openPath(target: string): Promise<string> {
    shell.openedPaths.push(target);
    return '';
  },
};

type InvokeListener = (event: unknown, ...args: unknown[]) => unknown;
export const ipcMain = {
  handlers: new Map<string, InvokeListener>(),
  listeners: new Map<string, InvokeListener[]>(),
  handle(channel: string, listener: InvokeListener): void {
    if (ipcMain.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    ipcMain.handlers.set(channel, listener);
  },
  removeHandler(channel: string): void {
    ipcMain.handlers.delete(channel);
  },
  on(channel: string, listener: InvokeListener): void {
    ipcMain.listeners.set(channel, [...(ipcMain.listeners.get(channel) ?? []), listener]);
  },
  removeAllListeners(channel?: string): void {
    if (channel === undefined) ipcMain.listeners.clear();
    else ipcMain.listeners.delete(channel);
  },
  /** Test helper: invokes a handler as Electron would, with a fake event from `sender`. */
  async invoke(
    channel: string,
    from: { sender: FakeWebContents; senderFrame?: FakeWebFrameMain | null },
    ...args: unknown[]
  ): Promise<unknown> {
    const handler = ipcMain.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    const event = { sender: from.sender, senderFrame: from.senderFrame === undefined ? from.sender.mainFrame : from.senderFrame };
    return handler(event, ...structuredClone(args));
  },
};

export const powerMonitor = new EventEmitter();

export class Notification extends EventEmitter {
  static shown: Array<{ title: string; body: string }> = [];
  static isSupported(): boolean {
    return true;
  }
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show(): void {
    Notification.shown.push({ title: this.options.title, body: this.options.body });
  }
}

export const Menu = {
  current: null as unknown,
  buildFromTemplate(template: unknown[]): { template: unknown[] } {
    return { template };
  },
  setApplicationMenu(menu: unknown): void {
    Menu.current = menu;
  },
};

export const net = {
  online: true,
  isOnline(): boolean {
    return net.online;
  },
  fetch: (input: string | Request, init?: RequestInit) => fetch(input, init),
};

export const screen = {
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
  getAllDisplays() {
    return screen.displays;
  },
};

export const dialog = {
  shown: [] as unknown[],
  errorBoxes: [] as Array<{ title: string; content: string }>,
  showErrorBox(title: string, content: string): void {
    dialog.errorBoxes.push({ title, content });
  },
  async showMessageBox(...args: unknown[]) {
    dialog.shown.push(args);
    return { response: 0 };
  },
};

// Preload side.
export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void {
    contextBridge.exposed.set(key, api);
  },
};

class FakeIpcRenderer extends EventEmitter {
  readonly invocations: Array<{ channel: string; args: unknown[] }> = [];
  reply: (channel: string, args: unknown[]) => unknown = () => undefined;
  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invocations.push({ channel, args });
    return this.reply(channel, args);
  }
}
export const ipcRenderer = new FakeIpcRenderer();

/** Puts every piece of fake state back to its defaults. */
export function resetElectronStub(): void {
  BrowserWindow.instances = [];
  WebContentsView.instances = [];
  partitions.clear();
  session.defaultSession = new FakeSession('default');
  protocol.handlers.clear();
  protocol.privileged = [];
  Object.assign(safeStorageControl, {
    available: true,
    backend: 'gnome_libsecret',
    key: 'key-1',
    asyncApi: true,
    shouldReEncrypt: false,
    encryptCalls: 0,
    plainTextAllowed: false,
  });
  app.removeAllListeners();
  app.isPackaged = false;
  app.ready = false;
  app.singleInstanceLock = true;
  app.quitCalls = 0;
  app.defaultProtocolClients.length = 0;
  shell.opened = [];
  shell.openedPaths = [];
  ipcMain.handlers.clear();
  ipcMain.listeners.clear();
  powerMonitor.removeAllListeners();
  Notification.shown = [];
  Menu.current = null;
  net.online = true;
  contextBridge.exposed.clear();
  ipcRenderer.removeAllListeners();
  ipcRenderer.invocations.length = 0;
  ipcRenderer.reply = () => undefined;
}

const electron = {
  app,
  BrowserWindow,
  contextBridge,
  dialog,
  ipcMain,
  ipcRenderer,
  Menu,
  net,
  Notification,
  powerMonitor,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  View,
  WebContentsView,
};
export default electron;
