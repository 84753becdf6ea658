import { describe, expect, it } from 'vitest';
import { parseGrantEvent, takeEvents } from '../../../electron/broker/broker-events';

describe('event stream framing (text/event-stream)', () => {
  it('splits complete events, joins data lines, skips heartbeats and keeps the incomplete rest', () => {
    const { events, rest } = takeEvents(': heartbeat\n\nevent: grant\ndata: {"status":\ndata: "live"}\n\r\nevent: grant\ndata: {"sta');
    expect(events).toEqual([{ event: 'grant', data: '{"status":\n"live"}' }]);
    expect(rest).toBe('event: grant\ndata: {"sta');
  });

  it('accepts only the contract statuses', () => {
    expect(parseGrantEvent('{"status":"disconnected-in-jobber"}')).toBe('disconnected-in-jobber');
    expect(parseGrantEvent('{"status":"rejected"}')).toBe('rejected');
    expect(parseGrantEvent('{"status":"live"}')).toBe('live');
    expect(parseGrantEvent('{"status":"gone"}')).toBeNull();
    expect(parseGrantEvent('not json')).toBeNull();
  });
});
