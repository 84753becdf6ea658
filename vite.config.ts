import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The built index.html carries a strict CSP meta tag. In `vite dev` that tag would block the inline
 * React-refresh preamble Vite injects, so the dev server drops it; main's dev CSP header (see
 * electron/windows/content-security-policy.ts) still applies there. Production builds keep it.
 */
function dropMetaCspInDev(): Plugin {
  return {
    name: 'jobber-connect:drop-meta-csp-in-dev',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>\s*/i, ''),
  };
}

// The renderer only. Main and preload are bundled by scripts/build-main.mjs (esbuild).
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), dropMetaCspInDev()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: false,
    target: 'chrome140',
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
});
