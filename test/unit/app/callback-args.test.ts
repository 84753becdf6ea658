import { describe, expect, it } from 'vitest';
import { findCallbackUrl } from '../../../electron/app/callback-args';

describe('callback arguments', () => {
  it('finds the callback in argv and ignores flags and lookalikes', () => {
    const redirect = 'com.jobberconnect.app:/oauth/callback';
    expect(findCallbackUrl(['/app', '--x=com.jobberconnect.app:/oauth/callback', `${redirect}?code=1`], redirect)).toBe(`${redirect}?code=1`);
    expect(findCallbackUrl(['/app', 'com.jobberconnect.evil:/oauth/callback?code=1'], redirect)).toBeNull();
  });
});
