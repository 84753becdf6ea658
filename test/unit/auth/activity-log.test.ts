import { describe, expect, it } from 'vitest';
import { ActivityLog } from '../../../electron/auth/activity-log';
import { registerSecret } from '../../../electron/core/redact';
import { FakeClock } from '../../support/fake-clock';

describe('ActivityLog', () => {
  it('redacts, keeps newest first, bounds the length and mirrors to the logger', () => {
    const clock = new FakeClock();
    const logged: string[] = [];
    let changes = 0;
    const log = new ActivityLog({
      clock,
      maxEntries: 3,
      onChange: () => (changes += 1),
      logger: { info: (m) => logged.push(`I ${m}`), warn: (m) => logged.push(`W ${m}`), error: (m) => logged.push(`E ${m}`) },
    });
    registerSecret('registered-secret-value-42');
    log.info('one');
    log.warning('leak registered-secret-value-42 and Bearer abcdefghijkl');
    log.error('three');
    log.info('four');
    const entries = log.entries();
    expect(entries.map((e) => e.message)).toEqual(['four', 'three', 'leak [redacted] and Bearer [redacted]']);
    expect(entries.map((e) => e.level)).toEqual(['info', 'error', 'warning']);
    expect(logged.join('\n')).not.toContain('registered-secret-value-42');
    expect(logged[1]).toMatch(/^W leak/);
    expect(changes).toBe(4);
    entries[0]!.message = 'mutated';
    expect(log.entries()[0]!.message).toBe('four');
  });
});
