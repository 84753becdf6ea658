/**
 * What `import electron from 'electron'` resolves to inside the bundled crash-test child: no app,
 * no ipcMain, so electron-store (given an absolute `cwd`) runs as plain Node over its real atomic
 * writer. Only the crash harness's esbuild alias points here.
 */
export default {};
