/**
 * What a refusal from Jobber's token endpoint says, whatever its shape. Jobber documents only the
 * sentence of a rotated-away refresh token ("The provided refresh token is not valid"), not its
 * status or body, so an OAuth JSON body, a `{"message":…}` body, plain text and an HTML page are
 * all read to the same two facts: an OAuth error code if there is a plain one, and the text. The
 * verdicts below are the only place the token client matches on Jobber's words. Pure.
 */
import { redact } from '../core/redact';
import { tokenErrorBodySchema } from './token-response-schema';

/** A refusal reduced to safe, short values. */
export interface RefusalInfo {
  /** The body was a JSON object (an API answer), not HTML, text or nothing. */
  json: boolean;
  /** An OAuth error code such as invalid_grant, when the body had a plain one. */
  code: string | null;
  /** The human text, redacted, flattened and shortened (HTML tags removed); null when none. */
  text: string | null;
}

const MAX_TEXT = 200;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Redacted, whitespace-flattened, capped text; null when nothing is left. */
export function shortText(value: unknown, max: number = MAX_TEXT): string | null {
  if (typeof value !== 'string') return null;
  const flat = redact(value).replace(/\s+/g, ' ').trim();
  if (flat === '') return null;
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The visible text of an HTML page: scripts, styles and tags dropped, common entities decoded. */
function htmlText(html: string): string {
  return html
    .slice(0, 20_000)
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const OAUTH_CODE = /^[a-z0-9_.-]{1,64}$/i;

/** Reads a refusal body of any shape; `mediaType` is the response's Content-Type without parameters. */
export function readRefusal(body: string, mediaType: string): RefusalInfo {
  const parsed = tokenErrorBodySchema.safeParse(parseJson(body));
  if (parsed.success) {
    const { error, error_description: description, message } = parsed.data;
    // `{"error":{"message":"…"}}` is how Jobber's API reports some failures.
    const nested = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
    const code = typeof error === 'string' && OAUTH_CODE.test(error) ? error.toLowerCase() : null;
    // An `error` that is a sentence rather than a code is text too.
    const sentence = typeof error === 'string' && code === null ? error : undefined;
    const parts = [description, message, nested, sentence].filter((part): part is string => typeof part === 'string');
    // Markup is dropped wherever it comes from: a quoted refusal must never carry a page's tags.
    return { json: true, code, text: shortText(htmlText(parts.join(' '))) };
  }
  const looksHtml = mediaType === 'text/html' || /^\s*<(!doctype|html|head|body)/i.test(body);
  return { json: false, code: null, text: shortText(looksHtml ? htmlText(body) : body.slice(0, 20_000)) };
}

const REFRESH_TOKEN_DEAD = /refresh[ _]token\b.*\b(not valid|invalid|expired|revoked)/i;
const CODE_DEAD = /\b(code|grant)\b.*\b(not valid|invalid|expired|revoked|used)\b/i;
const NAMES_CREDENTIALS = /\bclient[ _]?(id|secret)\b|\bsecret\b|\bclient (authentication|credentials)\b|\bunknown client\b/i;
const NAMES_REDIRECT_URI = /\bredirect[ _]uri\b/i;

/** A 400/401 answer to a refresh whose code or text says the refresh token is dead. */
export function saysRefreshTokenDead(status: number, info: RefusalInfo): boolean {
  if (status !== 400 && status !== 401) return false;
  return info.code === 'invalid_grant' || (info.text !== null && REFRESH_TOKEN_DEAD.test(info.text));
}

/** Jobber said the app's own credentials are wrong: `invalid_client`, or text naming the client ID or secret. */
export function saysCredentialsRefused(info: RefusalInfo): boolean {
  if (info.code === 'invalid_client') return true;
  if (info.code === 'invalid_grant') return false;
  return info.text !== null && NAMES_CREDENTIALS.test(info.text);
}

/** Jobber named the callback URL: `redirect_uri_mismatch`, or text naming `redirect_uri` itself. */
export function saysRedirectUriRefused(info: RefusalInfo): boolean {
  return info.code === 'redirect_uri_mismatch' || (info.text !== null && NAMES_REDIRECT_URI.test(info.text));
}

/** Jobber said the authorization code is no good: `invalid_grant`, or text saying the code is invalid/expired/used. */
export function saysCodeRefused(info: RefusalInfo): boolean {
  return info.code === 'invalid_grant' || (info.text !== null && CODE_DEAD.test(info.text));
}
