/**
 * Request bodies of the HTTP contract, as zod schemas: every body arrives as `unknown` and is
 * parsed here before a route reads it.
 */
import { z } from 'zod';

/** 32 random bytes, base64url: what codes, credentials and states are. */
const secret = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 43 base64url characters');

export const connectStartSchema = z.object({
  codeChallenge: secret,
  codeChallengeMethod: z.literal('S256'),
  returnTo: z.string().min(1).max(2048),
  appState: secret,
});

export const connectRedeemSchema = z.object({
  handoff: secret,
  // RFC 7636 §4.1: 43-128 unreserved characters
  codeVerifier: z.string().regex(/^[A-Za-z0-9\-._~]{43,128}$/, 'must be an RFC 7636 code verifier'),
});

export const pairingSchema = z.object({ pairing: secret });

export const callbackQuerySchema = z.object({
  code: z.string().min(1).max(2048).optional(),
  state: z.string().min(1).max(512).optional(),
  error: z.string().max(256).optional(),
});

/** Jobber's APP_DISCONNECT (and other topics') payload. */
export const webhookSchema = z.object({
  data: z.object({
    webHookEvent: z.looseObject({
      topic: z.string().min(1).max(128),
      appId: z.string().max(256).optional(),
      accountId: z.string().min(1).max(256),
      itemId: z.string().max(256).optional(),
      occurredAt: z.string().max(64).optional(),
    }),
  }),
});
