import { describe, expect, it } from 'vitest';
import { deferred } from '../../support/deferred';
import { Sequencer } from '../../../electron/core/sequencer';

/** Lets every pending promise callback run. */
const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('Sequencer', () => {
  it('starts each task only after the one queued before it has settled, in queue order', async () => {
    const sequencer = new Sequencer();
    const log: string[] = [];
    const first = deferred<void>();
    const second = deferred<void>();
    const a = sequencer.queue(async () => {
      log.push('a starts');
      await first.promise;
      log.push('a ends');
    });
    const b = sequencer.queue(async () => {
      log.push('b starts');
      await second.promise;
      log.push('b ends');
    });
    const c = sequencer.queue(async () => {
      log.push('c runs');
    });
    await flush();
    expect(log).toEqual(['a starts']);
    second.resolve();
    await flush();
    expect(log).toEqual(['a starts']);
    first.resolve();
    await Promise.all([a, b, c]);
    expect(log).toEqual(['a starts', 'a ends', 'b starts', 'b ends', 'c runs']);
  });

  it('gives each caller its own task result', async () => {
    const sequencer = new Sequencer();
    const results = await Promise.all([
      sequencer.queue(async () => 'saved'),
      sequencer.queue(async () => 42),
      sequencer.queue(async () => null),
    ]);
    expect(results).toEqual(['saved', 42, null]);
  });

  it('a failed task rejects for its caller only; the next task still runs', async () => {
    const sequencer = new Sequencer();
    const ran: string[] = [];
    const failing = sequencer.queue(async () => {
      ran.push('failing');
      throw new Error('disk full');
    });
    const next = sequencer.queue(async () => {
      ran.push('next');
      return 'cleared';
    });
    await expect(failing).rejects.toThrow('disk full');
    await expect(next).resolves.toBe('cleared');
    expect(ran).toEqual(['failing', 'next']);
  });

  it('a task that throws before returning a promise does not block the queue either', async () => {
    const sequencer = new Sequencer();
    const failing = sequencer.queue((): Promise<string> => {
      throw new Error('bad input');
    });
    await expect(failing).rejects.toThrow('bad input');
    await expect(sequencer.queue(async () => 'after')).resolves.toBe('after');
  });

  it('idle() waits for every queued task, also a failing one, and never rejects', async () => {
    const sequencer = new Sequencer();
    const slow = deferred<void>();
    const failing = sequencer.queue(async () => {
      await slow.promise;
      throw new Error('lost');
    });
    failing.catch(() => undefined);
    let idle = false;
    const waiting = sequencer.idle().then(() => {
      idle = true;
    });
    await flush();
    expect(idle).toBe(false);
    slow.resolve();
    await waiting;
    expect(idle).toBe(true);
  });

  it('idle() on an empty sequencer resolves at once', async () => {
    await expect(new Sequencer().idle()).resolves.toBeUndefined();
  });
});
