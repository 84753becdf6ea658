/**
 * Flag parsing for the sandbox CLI, kept apart from cli.ts so it can be tested without starting
 * a server.
 */
import type { SandboxOptions } from './types';

/** Parses the CLI flags (`--flag value` or `--flag=value`) into sandbox options. */
export function parseCliArgs(argv: readonly string[]): SandboxOptions {
  const options: SandboxOptions = {};
  const redirectUris: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      i += 1;
      const next = argv[i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    const whole = (text: string, min: number): number => {
      const n = Number(text);
      if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be a whole number >= ${min}`);
      return n;
    };
    switch (flag) {
      case '--port':
        options.port = whole(value(), 0);
        break;
      case '--access-token-lifetime':
        options.accessTokenLifetimeSec = whole(value(), 1);
        break;
      case '--redirect-uri':
        redirectUris.push(value());
        break;
      case '--state':
        options.statePath = value();
        break;
      case '--webhook-url':
        options.webhookUrl = value();
        break;
      default:
        throw new Error(`Unknown flag ${flag}. Flags: --port N, --access-token-lifetime=SECONDS, --redirect-uri=URI, --state=PATH, --webhook-url=URL`);
    }
  }
  if (redirectUris.length > 0) options.redirectUris = redirectUris;
  return options;
}
