/**
 * Plays the desktop app against a broker over HTTP, the way the contract describes: PKCE, connect
 * start, the person at the sandbox's consent page, the callback, the handoff redemption, pairing,
 * tokens, disconnect and the event stream. Assertions stay in the tests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { followConsent } from '../../../sandbox/consent-driver';
import type { Harness } from './broker-harness';

export const APP_RETURN_TO = 'com.jobberconnect.app:/oauth/callback';

export interface JsonAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export async function post(url: string, body: unknown, credential?: string): Promise<JsonAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(credential ? { Authorization: `Bearer ${credential}` } : {}) },
    body: JSON.stringify(body ?? {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface Callback {
  status: number;
  location: string | null;
  html: string;
}

/** GETs the broker's callback like a browser would, without following the redirect. */
export async function openCallback(location: string): Promise<Callback> {
  const response = await fetch(location, { redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location'), html: await response.text() };
}

export interface ConnectedDevice {
  credential: string;
  accessToken: string;
  accessTokenExpiresAt: number;
  account: { id: string; name: string };
}

/** Starts a connect; returns what the redeem needs, after the person pressed `decision`. */
export async function appConnectUntilHandoff(h: Harness, decision: 'allow' | 'deny' = 'allow'): Promise<{ verifier: string; appState: string; callback: Callback }> {
  const { verifier, challenge } = pkcePair();
  const appState = randomBytes(32).toString('base64url');
  const start = await post(`${h.url}/v1/connect/start`, { codeChallenge: challenge, codeChallengeMethod: 'S256', returnTo: APP_RETURN_TO, appState });
  if (start.status !== 200) throw new Error(`connect/start answered ${start.status}: ${JSON.stringify(start.body)}`);
  const location = await followConsent(String(start.body.authorizeUrl), decision);
  return { verifier, appState, callback: await openCallback(location) };
}

export function handoffOf(callback: Callback): string {
  const params = new URL(callback.location ?? 'x:/').searchParams;
  const handoff = params.get('handoff');
  if (!handoff) throw new Error(`no handoff in ${callback.location ?? '(no location)'}`);
  return handoff;
}

/** The whole app-started connect; returns the new device. */
export async function connectDevice(h: Harness): Promise<ConnectedDevice> {
  const { verifier, callback } = await appConnectUntilHandoff(h);
  const redeemed = await post(`${h.url}/v1/connect/redeem`, { handoff: handoffOf(callback), codeVerifier: verifier });
  if (redeemed.status !== 200) throw new Error(`redeem answered ${redeemed.status}: ${JSON.stringify(redeemed.body)}`);
  return {
    credential: String(redeemed.body.deviceCredential),
    accessToken: String(redeemed.body.accessToken),
    accessTokenExpiresAt: Number(redeemed.body.accessTokenExpiresAt),
    account: redeemed.body.account as ConnectedDevice['account'],
  };
}

/** The pairing code in the Marketplace page's app link. */
export function pairingOf(html: string): string {
  const match = /com\.jobberconnect\.app:\/oauth\/pair\?pairing=([A-Za-z0-9_-]{43})/.exec(html);
  if (!match?.[1]) throw new Error('no pairing link on the page');
  return match[1];
}

/** Reads server-sent events until `until` matches one; returns the `grant` statuses seen. */
export async function readGrantEvents(url: string, credential: string, until: (statuses: string[]) => boolean, action?: () => Promise<void>): Promise<string[]> {
  const controller = new AbortController();
  const response = await fetch(`${url}/v1/events`, { headers: { Authorization: `Bearer ${credential}` }, signal: controller.signal });
  if (response.status !== 200 || !response.body) throw new Error(`events answered ${response.status}`);
  const statuses: string[] = [];
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let acted = false;
  try {
    while (!until(statuses)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (/^event: grant$/m.test(block) && data) statuses.push((JSON.parse(data) as { status: string }).status);
      }
      if (!acted && statuses.length > 0 && action) {
        acted = true;
        await action();
      }
    }
  } finally {
    controller.abort();
  }
  return statuses;
}
