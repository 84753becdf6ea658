import { describe, expect, it } from 'vitest';
import { deferred } from '../../support/deferred';
import { SingleFlight } from '../../../electron/core/single-flight';

describe('SingleFlight', () => {
  it('callers during a run share it: the task runs once and both get its result', async () => {
    const flight = new SingleFlight<string>();
    const answer = deferred<string>();
    let runs = 0;
    const task = () => {
      runs += 1;
      return answer.promise;
    };
    const first = flight.run(task);
    const second = flight.run(task);
    expect(second).toBe(first);
    expect(flight.inFlight).toBe(first);
    answer.resolve('pair-2');
    await expect(first).resolves.toBe('pair-2');
    await expect(second).resolves.toBe('pair-2');
    expect(runs).toBe(1);
  });

  it('after a run settles, the next call starts a new run', async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    const task = async () => {
      runs += 1;
      return runs;
    };
    await expect(flight.run(task)).resolves.toBe(1);
    expect(flight.inFlight).toBeNull();
    await expect(flight.run(task)).resolves.toBe(2);
  });

  it('a failed run rejects for every caller, then frees the flight', async () => {
    const flight = new SingleFlight<string>();
    const answer = deferred<string>();
    const first = flight.run(() => answer.promise);
    const second = flight.run(async () => 'never');
    answer.reject(new Error('refused'));
    await expect(first).rejects.toThrow('refused');
    await expect(second).rejects.toThrow('refused');
    expect(flight.inFlight).toBeNull();
    await expect(flight.run(async () => 'retried')).resolves.toBe('retried');
  });

  it('the task starts on a microtask: whatever it triggers at once joins the same run', async () => {
    const flight = new SingleFlight<string>();
    let joined: Promise<string> | null = null;
    let started = false;
    const run = flight.run(async () => {
      started = true;
      joined = flight.run(async () => 'second task');
      return 'first task';
    });
    expect(started).toBe(false);
    await expect(run).resolves.toBe('first task');
    expect(joined).toBe(run);
  });
});
