import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../electron/windows/content-security-policy';

describe('contentSecurityPolicy', () => {
  const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));

  it('production allows only our own files and no inline script', () => {
    const csp = directives(contentSecurityPolicy({ kind: 'production' }));
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect([...csp.values()].flat()).not.toContain("'unsafe-eval'");
    expect([...csp.values()].flat()).not.toContain("'unsafe-inline'");
  });

  it('development adds only the dev server and its websocket', () => {
    const csp = directives(contentSecurityPolicy({ kind: 'development', devServerOrigin: 'http://127.0.0.1:5173' }));
    expect(csp.get('connect-src')).toEqual(["'self'", 'http://127.0.0.1:5173', 'ws://127.0.0.1:5173']);
    expect(csp.get('script-src')).toContain('http://127.0.0.1:5173');
    expect([...csp.values()].flat()).not.toContain("'unsafe-eval'");
    expect([...csp.values()].flat()).not.toContain('*');
  });
});
