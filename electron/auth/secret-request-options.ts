/**
 * axios options shared by every request that carries a secret (Jobber's token endpoint, the
 * broker's API): never follow a redirect (it would resend the secret elsewhere), take every status
 * as an answer, and keep the body as raw text, so the caller's schema classifies an HTML page or a
 * truncated body instead of axios throwing on it.
 */
import type { AxiosRequestConfig } from 'axios';

export const SECRET_REQUEST_OPTIONS = {
  maxRedirects: 0,
  validateStatus: () => true,
  responseType: 'text',
  transformResponse: [(data: unknown) => data],
} as const satisfies AxiosRequestConfig;
