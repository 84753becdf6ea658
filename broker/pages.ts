/**
 * The few HTML pages a person sees at the broker's callback: the Marketplace pairing page (names
 * the Jobber account, links into the app), "you chose not to connect", and errors. Self-contained,
 * served with a strict Content-Security-Policy; every dynamic value is escaped.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_CALLBACK_SCHEME } from '../electron/ipc/settings-schema';

/** The app link that carries a pairing code (the app's custom scheme). */
export function pairingLink(pairing: string): string {
  return `${DEFAULT_CALLBACK_SCHEME}:/oauth/pair?pairing=${encodeURIComponent(pairing)}`;
}

const STYLE =
  'body{font-family:system-ui,sans-serif;background:#f4f6f8;color:#1f2933;margin:0}' +
  'main{max-width:30rem;margin:4rem auto;background:#fff;border-radius:12px;padding:2rem}' +
  'a.button{display:inline-block;background:#1b6f3a;color:#fff;padding:.7rem 1rem;border-radius:8px;text-decoration:none;font-weight:600}';

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** Headers for every page: nothing loads but the hashed style; no framing, no referrer. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
});

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export function pairingPage(accountName: string, pairing: string, minutes: number): string {
  return layout(
    'Connect Jobber Connect',
    `<h1>Jobber account connected</h1>
<p>Jobber account: <strong>${escapeHtml(accountName)}</strong></p>
<p>Open Jobber Connect on your computer to finish. The app will ask you to confirm this account.</p>
<p><a class="button" href="${escapeHtml(pairingLink(pairing))}">Open Jobber Connect</a></p>
<p>This link works once and expires in ${minutes} minutes.</p>`,
  );
}

export function deniedPage(): string {
  return layout('Not connected', '<h1>You chose not to connect</h1><p>Jobber Connect was not given access to your Jobber account. You can close this page.</p>');
}

export function errorPage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
