import { afterEach, describe, expect, it } from 'vitest';
import { collectWhenIdle, type IdleCollector } from '../../server/idle-gc.js';
import { waitFor, waitUntil } from '../support/wait-for.js';

describe('the collection once the agent is quiet', () => {
  let collector: IdleCollector | undefined;
  afterEach(() => collector?.stop());

  it('Given a start, When nothing comes for quietMs, Then it collects once, and again after the next quiet burst', async () => {
    let calls = 0;
    collector = collectWhenIdle(() => {
      calls += 1;
    }, 40);
    await waitFor(
      () => calls === 1,
      () => `calls: ${calls}`,
    );
    // Quiet stays quiet: no collection every quietMs.
    expect(await waitUntil(() => calls > 1, 200)).toBe(false);
    collector.touch();
    await waitFor(
      () => calls === 2,
      () => `calls: ${calls}`,
    );
  });

  it('Given requests coming closer than quietMs, When they come, Then it waits for them to stop', async () => {
    let calls = 0;
    collector = collectWhenIdle(() => {
      calls += 1;
    }, 150);
    const busy = setInterval(() => collector!.touch(), 20);
    try {
      expect(await waitUntil(() => calls > 0, 600)).toBe(false);
    } finally {
      clearInterval(busy);
    }
    await waitFor(
      () => calls === 1,
      () => `calls: ${calls}`,
    );
  });

  it('Given it was stopped, When quietMs passes or a request comes, Then it never collects', async () => {
    let calls = 0;
    collector = collectWhenIdle(() => {
      calls += 1;
    }, 30);
    collector.stop();
    collector.touch();
    expect(await waitUntil(() => calls > 0, 200)).toBe(false);
  });

  it('Given Node without --expose-gc (no gc), When used, Then touching and stopping do nothing and hold no timer', () => {
    collector = collectWhenIdle(undefined, 10);
    expect(() => {
      collector!.touch();
      collector!.stop();
    }).not.toThrow();
  });
});
