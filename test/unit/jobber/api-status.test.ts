import { describe, expect, it } from 'vitest';
import { ApiStatusTracker, describeApiStatusEvent, type ApiStatusEvent } from '../../../electron/jobber/api-status';

const WARNING = 'API version 2025-04-16 is deprecated: it will no longer be available after 2026-10-16. Upgrade to a newer version.';

function track(): { tracker: ApiStatusTracker; events: (ApiStatusEvent | null)[] } {
  const tracker = new ApiStatusTracker();
  const events: (ApiStatusEvent | null)[] = [];
  tracker.onChange((event) => events.push(event));
  return { tracker, events };
}

describe('ApiStatusTracker', () => {
  it('a version warning is one activity entry naming the version and its end date, not one per answer', () => {
    const { tracker, events } = track();
    tracker.answered({ version: '2025-04-16', warning: WARNING });
    tracker.answered({ version: '2025-04-16', warning: WARNING });
    const worthAnEntry = events.filter((event): event is ApiStatusEvent => event !== null);
    expect(worthAnEntry).toHaveLength(1);
    expect(describeApiStatusEvent(worthAnEntry[0]!)).toEqual({
      level: 'warning',
      message: `Jobber warns that API version 2025-04-16 ends on 2026-10-16: ${WARNING}`,
    });
  });

  it('inactive, then active again: one entry each', () => {
    const { tracker, events } = track();
    tracker.accountInactive();
    tracker.accountInactive();
    tracker.answered({ version: '2025-04-16' });
    expect(events.map((event) => event?.kind)).toEqual(['account-inactive', 'account-active']);
    expect(tracker.current()).toEqual({ version: '2025-04-16', versionWarning: null, account: 'active' });
  });

  it('an answer without versioning keeps what was known', () => {
    const { tracker } = track();
    tracker.answered({ version: '2025-04-16', warning: WARNING });
    tracker.answered(null);
    expect(tracker.current().versionWarning?.endsOn).toBe('2026-10-16');
  });
});
