import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeadlineExceededError, TokenBayAuthError } from '../../functions/core/errors.js';
import { TokenBayClient } from '../../functions/core/tokenbay/client.js';
import { waitForTask, type WaitForTaskOptions } from '../../functions/core/tokenbay/wait-for-task.js';
import { TokenBaySimulator } from '../../local/simulator/tokenbay-simulator.js';
import { manualClock } from '../helpers/clock.js';

describe('waitForTask', () => {
  let clock: ReturnType<typeof manualClock>;
  let sim: TokenBaySimulator;
  let client: TokenBayClient;

  beforeEach(async () => {
    clock = manualClock();
    sim = new TokenBaySimulator({ generationSeconds: 100, clock });
    client = new TokenBayClient({ baseUrl: await sim.start(), apiKey: 'sk-test' });
  });
  afterEach(() => sim.stop());

  /** Every 15 s on the manual clock, with the default deadlines (5 min, 10 for an edit). */
  const everyInterval = (more: Partial<WaitForTaskOptions> = {}): WaitForTaskOptions => ({
    intervalSeconds: 15,
    deadlines: { generationTimeoutSeconds: 300, editTimeoutSeconds: 600 },
    clock,
    sleep: clock.sleep,
    ...more,
  });

  it('polls every interval until SUCCESS, never more often', async () => {
    const { id } = await client.submit({ model: 'veo-3.1-generate-preview', prompt: 'x' });
    const progress: number[] = [];
    const task = await waitForTask(client, id, everyInterval({ onUpdate: (t) => progress.push(t.progress) }));
    expect(task.status).toBe('SUCCESS');
    expect(progress).toEqual([15, 30, 45, 60, 75, 90, 100]);
    expect(sim.minPollGapMs()).toBe(15_000);
  });

  it('keeps polling through 429 and 5xx answers', async () => {
    const { id } = await client.submit({ model: 'veo-3.1-generate-preview', prompt: 'x' });
    sim.inject('poll', 'rate-limit', 'server-error', 'reset');
    const errors: string[] = [];
    const task = await waitForTask(client, id, everyInterval({ onPollError: (e) => errors.push(e.name) }));
    expect(task.status).toBe('SUCCESS');
    expect(errors).toEqual(['TokenBayRateLimitError', 'TokenBayServerError', 'TokenBayMaybeSentError']);
  });

  it('keeps polling through a transient error when nobody listens for poll errors', async () => {
    const { id } = await client.submit({ model: 'veo-3.1-generate-preview', prompt: 'x' });
    sim.inject('poll', 'server-error', 'rate-limit');
    const progress: number[] = [];
    const task = await waitForTask(client, id, everyInterval({ onUpdate: (t) => progress.push(t.progress) }));
    expect(task.status).toBe('SUCCESS');
    expect(progress).toEqual([45, 60, 75, 90, 100]); // the polls at 15 and 30 s failed
  });

  it('waits the interval for real, by the system clock, when given no clock or sleep', async () => {
    const real = new TokenBaySimulator({ generationSeconds: 0.3 });
    const realClient = new TokenBayClient({ baseUrl: await real.start(), apiKey: 'sk-test' });
    try {
      const { id } = await realClient.submit({ model: 'veo-3.1-generate-preview', prompt: 'x' });
      const started = Date.now();
      const task = await waitForTask(realClient, id, {
        intervalSeconds: 0.1,
        deadlines: { generationTimeoutSeconds: 10, editTimeoutSeconds: 10 },
      });
      expect(task.status).toBe('SUCCESS');
      expect(real.pollTimes(id).length).toBeGreaterThanOrEqual(2);
      expect(real.minPollGapMs()).toBeGreaterThanOrEqual(95);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      await real.stop();
    }
  });

  it('returns a FAILURE task with its reason', async () => {
    const { id } = await client.submit({ model: 'veo-3.1-generate-preview', prompt: 'x [fail]' });
    const task = await waitForTask(client, id, everyInterval());
    expect(task.status).toBe('FAILURE');
    expect(task.failReason).toMatch(/content safety/);
  });

  it('gives up at the deadline with a message for the user', async () => {
    const { id } = await client.submit({ model: 'veo-3.1-generate-preview', prompt: 'x [never]' });
    const error = await waitForTask(client, id, everyInterval()).catch((e) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(error.message).toBe(`The video was not ready after 5 minutes; TokenBay task ${id} was given up.`);
    expect(sim.pollTimes(id)).toHaveLength(20);
  });

  it('never polls after the deadline when it is not a whole number of intervals', async () => {
    const { id } = await client.submit({ model: 'veo-3.1-generate-preview', prompt: 'x [never]' });
    const submittedAt = clock.now();
    const error = await waitForTask(
      client,
      id,
      everyInterval({ deadlines: { generationTimeoutSeconds: 290, editTimeoutSeconds: 290 } }),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    const polls = sim.pollTimes(id);
    expect(polls).toHaveLength(19);
    expect(polls.at(-1)! - submittedAt).toBe(285_000); // the next one (300 s) would be past 290 s
  });

  it('stops at once on an error that polling again cannot fix', async () => {
    const strict = new TokenBaySimulator({ apiKey: 'sk-right', clock });
    const wrongKey = new TokenBayClient({ baseUrl: await strict.start(), apiKey: 'sk-wrong' });
    try {
      await expect(waitForTask(wrongKey, 'task_1', everyInterval())).rejects.toBeInstanceOf(
        TokenBayAuthError,
      );
      expect(strict.requests).toHaveLength(1);
    } finally {
      await strict.stop();
    }
  });
});
