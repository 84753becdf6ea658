import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { metaContentSecurityPolicy } from './electron/windows/content-security-policy';

const CSP_META = /<meta\s+http-equiv="Content-Security-Policy"[^>]*>\s*/i;

/**
 * One Content-Security-Policy for the renderer, defined in electron/windows/content-security-policy.ts.
 * The production build writes it into index.html's meta tag (main also sends it as a header). The
 * dev server drops the tag: it would block the inline React-refresh preamble Vite injects, and
 * main's dev header governs there.
 */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'jobber-connect:csp-meta',
    transformIndexHtml: {
      order: 'pre',
      handler: (html, context) => {
        if (!CSP_META.test(html)) throw new Error('renderer/index.html lost its Content-Security-Policy meta tag');
        if (context.server) return html.replace(CSP_META, '');
        return html.replace(
          CSP_META,
          `<meta http-equiv="Content-Security-Policy" content="${metaContentSecurityPolicy()}" />\n    `,
        );
      },
    },
  };
}

// The renderer only. Main and preload are bundled by scripts/build-main.mjs (esbuild).
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), contentSecurityPolicyMeta()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: false,
    target: 'chrome140',
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
});
