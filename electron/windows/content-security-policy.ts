/**
 * The renderer's Content-Security-Policy. Production (`app://`) allows only our own files;
 * development adds what Vite's dev server needs (its origin, its HMR websocket, the inline
 * React-refresh preamble and injected styles) and nothing else.
 */

export type CspMode = { kind: 'production' } | { kind: 'development'; devServerOrigin: string };

/** Builds the header value. The renderer never talks to the network itself: IPC only. */
export function contentSecurityPolicy(mode: CspMode): string {
  if (mode.kind === 'production') {
    return [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
      "object-src 'none'",
    ].join('; ');
  }
  const dev = mode.devServerOrigin;
  const ws = dev.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    `script-src 'self' 'unsafe-inline' ${dev}`,
    `style-src 'self' 'unsafe-inline' ${dev}`,
    `img-src 'self' data: ${dev}`,
    `font-src 'self' ${dev}`,
    `connect-src 'self' ${dev} ${ws}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * The production policy for the `<meta>` tag Vite writes into the built index.html (defence in
 * depth beside the header). `frame-ancestors` is left out: browsers ignore it in a meta policy.
 */
export function metaContentSecurityPolicy(): string {
  return contentSecurityPolicy({ kind: 'production' })
    .split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors'))
    .join('; ');
}
