/**
 * The broker's HTTP API (contract v1) over axios: one function per endpoint the app uses, each
 * answer checked with a schema, each failure turned into an AuthError by broker-errors.ts. No
 * state, no Electron. The device credential goes only to the broker, only in the Authorization
 * header, never follows a redirect and never appears in a message.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { z } from 'zod';
import { SECRET_REQUEST_OPTIONS } from '../auth/secret-request-options';
import { AuthError } from '../core/errors';
import type { Clock } from '../core/clock';
import { classifyTransport, headerValue, parseJsonBody } from '../core/http';
import { registerSecret } from '../core/redact';
import { parseUrl } from '../core/url';
import { brokerFailure, brokerMalformed, brokerUnreachable, readErrorCode, type BrokerAction } from './broker-errors';

export const DEFAULT_BROKER_TIMEOUT_MS = 15_000;

const accountSchema = z.object({ id: z.string().min(1).max(256), name: z.string().max(512) });
const secretText = z.string().min(16).max(4096);

const startAnswerSchema = z.object({ authorizeUrl: z.string().min(1).max(8192), expiresAt: z.number() });
const grantAnswerSchema = z.object({
  deviceCredential: secretText,
  account: accountSchema,
  accessToken: secretText,
  accessTokenExpiresAt: z.number(),
});
const tokenAnswerSchema = z.object({ accessToken: secretText, accessTokenExpiresAt: z.number(), account: accountSchema });
const previewAnswerSchema = z.object({ account: accountSchema, expiresAt: z.number() });
const disconnectAnswerSchema = z.object({ jobberNotified: z.boolean() });

/** A grant as the broker hands it over (connect/redeem, pairing/redeem). */
export type BrokerGrant = z.infer<typeof grantAnswerSchema>;
/** A fresh access token (POST /v1/token). */
export type BrokerToken = z.infer<typeof tokenAnswerSchema>;
export type PairingPreview = z.infer<typeof previewAnswerSchema>;

/** An answer and when it was asked for (our clock), for the token's expiry. */
export interface Timed<T> {
  value: T;
  sentAt: number;
  /** The answer's Date header, if any. */
  date: string | undefined;
}

export interface BrokerClient {
  /** `https://host[:port]` of the broker. */
  readonly origin: string;
  startConnect(input: { codeChallenge: string; returnTo: string; appState: string }): Promise<{ authorizeUrl: string; expiresAt: number }>;
  redeemHandoff(handoff: string, codeVerifier: string): Promise<Timed<BrokerGrant>>;
  previewPairing(pairing: string): Promise<PairingPreview>;
  redeemPairing(pairing: string): Promise<Timed<BrokerGrant>>;
  token(deviceCredential: string): Promise<Timed<BrokerToken>>;
  /** POST /v1/disconnect; `timeoutMs` bounds the wait (Disconnect must not hang). */
  disconnect(deviceCredential: string, timeoutMs: number): Promise<{ jobberNotified: boolean }>;
}

export interface BrokerClientOptions {
  /** The broker's origin (config.broker.origin). */
  origin: string;
  clock: Clock;
  http?: AxiosInstance;
  timeoutMs?: number;
}

export function createBrokerClient(options: BrokerClientOptions): BrokerClient {
  const { origin, clock } = options;
  const http = options.http ?? axios.create();
  const defaultTimeoutMs = options.timeoutMs ?? DEFAULT_BROKER_TIMEOUT_MS;
  // The origin was validated by the settings schema; an unparsable one names itself.
  const host = parseUrl(origin)?.host ?? origin;

  async function post<T>(
    action: BrokerAction,
    path: string,
    body: Record<string, string>,
    schema: z.ZodType<T>,
    extra: { bearer?: string; timeoutMs?: number } = {},
  ): Promise<Timed<T>> {
    const timeoutMs = extra.timeoutMs ?? defaultTimeoutMs;
    const sentAt = clock.now();
    let response: AxiosResponse<unknown>;
    try {
      response = await http.request<unknown>({
        method: 'POST',
        url: `${origin}${path}`,
        data: JSON.stringify(body),
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          ...(extra.bearer ? { Authorization: `Bearer ${extra.bearer}` } : {}),
        },
        timeout: timeoutMs,
        ...SECRET_REQUEST_OPTIONS,
      });
    } catch (error) {
      // Only the classification leaves: the axios error carries the request (and the credential).
      const failure = classifyTransport(error);
      if (failure.kind === 'cancelled') throw new AuthError('cancelled', 'The request to the broker was cancelled.');
      if (failure.kind === 'timeout') throw brokerUnreachable(action, host, { timeoutMs });
      throw brokerUnreachable(action, host, { code: failure.code });
    }
    const json = parseJsonBody(response.data);
    if (response.status < 200 || response.status >= 300) {
      throw brokerFailure(action, { status: response.status, code: readErrorCode(json), retryAfter: headerValue(response.headers, 'retry-after') }, host, clock.now());
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw brokerMalformed(action, host, response.status, [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? 'body')))]);
    }
    return { value: parsed.data, sentAt, date: headerValue(response.headers, 'date') };
  }

  /** Every secret in a grant is known to the redactor before anything else sees it. */
  function noteSecrets<T extends { accessToken: string; deviceCredential?: string }>(answer: Timed<T>): Timed<T> {
    registerSecret(answer.value.accessToken);
    if (answer.value.deviceCredential) registerSecret(answer.value.deviceCredential);
    return answer;
  }

  return {
    origin,
    async startConnect(input) {
      const answer = await post('start', '/v1/connect/start', { ...input, codeChallengeMethod: 'S256' }, startAnswerSchema);
      return answer.value;
    },
    async redeemHandoff(handoff, codeVerifier) {
      registerSecret(handoff);
      return noteSecrets(await post('redeem', '/v1/connect/redeem', { handoff, codeVerifier }, grantAnswerSchema));
    },
    async previewPairing(pairing) {
      registerSecret(pairing);
      return (await post('pairing-preview', '/v1/pairing/preview', { pairing }, previewAnswerSchema)).value;
    },
    async redeemPairing(pairing) {
      registerSecret(pairing);
      return noteSecrets(await post('pairing-redeem', '/v1/pairing/redeem', { pairing }, grantAnswerSchema));
    },
    async token(deviceCredential) {
      registerSecret(deviceCredential);
      return noteSecrets(await post('token', '/v1/token', {}, tokenAnswerSchema, { bearer: deviceCredential }));
    },
    async disconnect(deviceCredential, timeoutMs) {
      const answer = await post('disconnect', '/v1/disconnect', {}, disconnectAnswerSchema, { bearer: deviceCredential, timeoutMs });
      return answer.value;
    },
  };
}
