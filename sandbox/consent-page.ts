/**
 * The HTML the person sees at the sandbox's authorize endpoint: the consent page (Allow / Deny)
 * and the error page for a bad authorize request. Self-contained (no external resources) and
 * served with a strict Content-Security-Policy whose only style is hashed.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from './http-util';

/** The decision form's target; the consent driver finds it in the page. */
export const DECISION_PATH = '/api/oauth/authorize/decision';

const STYLE = `
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
  body { margin: 0; background: #f4f6f8; color: #1f2933; }
  main { max-width: 28rem; margin: 4rem auto; background: #fff; border-radius: 12px; padding: 2rem;
         box-shadow: 0 2px 12px rgba(0, 0, 0, 0.08); }
  h1 { font-size: 1.35rem; margin: 0 0 0.5rem; }
  .badge { display: inline-block; font-size: 0.75rem; font-weight: 600; background: #fff3c4; color: #6b4f00;
           border-radius: 999px; padding: 0.15rem 0.6rem; margin-bottom: 1rem; }
  ul { padding-left: 1.2rem; }
  .actions { display: flex; gap: 0.75rem; margin-top: 1.5rem; }
  button { flex: 1; font: inherit; font-weight: 600; padding: 0.7rem 1rem; border-radius: 8px; cursor: pointer; }
  button[value="allow"] { background: #1b6f3a; color: #fff; border: 1px solid #1b6f3a; }
  button[value="deny"] { background: #fff; color: #1f2933; border: 1px solid #9aa5b1; }
  button:focus-visible { outline: 3px solid #2f6fde; outline-offset: 2px; }
  .error { color: #a61b1b; }
`;

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/**
 * Security headers for sandbox pages. `formActionSources` must list where the decision's redirect
 * may lead (Chromium applies form-action to redirects after a form post).
 */
export function pageHeaders(formActionSources: readonly string[] = []): Record<string, string> {
  const formAction = ["'self'", ...formActionSources].join(' ');
  return {
    'Content-Security-Policy': [
      "default-src 'none'",
      `style-src 'sha256-${STYLE_HASH}'`,
      `form-action ${formAction}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
  };
}

/** The CSP source for a redirect URI: its origin for http(s), its scheme for a custom scheme. */
export function formActionSource(redirectUri: string): string | undefined {
  try {
    const url = new URL(redirectUri);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol;
  } catch {
    return undefined;
  }
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export interface ConsentPageInput {
  appName: string;
  accountName: string;
  scopes: readonly string[];
  ticketId: string;
}

/** The consent page: who asks, for which account, what it may do; Allow and Deny. */
export function renderConsentPage(input: ConsentPageInput): string {
  // The sandbox's app has no scopes configured; Jobber's screen lists an app's configured scopes.
  const scopes =
    input.scopes.length === 0
      ? '<li>Read the account’s name and ID (available to every app)</li>'
      : input.scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('');
  return layout(
    `Authorize ${input.appName}`,
    `<span class="badge">Jobber sandbox</span>
<h1>Allow ${escapeHtml(input.appName)} to access your Jobber account?</h1>
<p>Account: <strong>${escapeHtml(input.accountName)}</strong></p>
<p>${escapeHtml(input.appName)} will be able to:</p>
<ul>${scopes}</ul>
<form method="post" action="${DECISION_PATH}">
<input type="hidden" name="ticket" value="${escapeHtml(input.ticketId)}">
<div class="actions">
<button type="submit" name="decision" value="deny">Deny</button>
<button type="submit" name="decision" value="allow">Allow</button>
</div>
</form>`,
  );
}

/** A 400-style page that names what is wrong with the request. */
export function renderErrorPage(title: string, message: string): string {
  return layout(title, `<span class="badge">Jobber sandbox</span>
<h1 class="error">${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>`);
}
