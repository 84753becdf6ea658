import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer only. Main and preload are bundled by scripts/build-main.mjs (esbuild).
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: false,
    target: 'chrome140',
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
});
