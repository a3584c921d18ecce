import { describe, expect, it } from 'vitest';
import { StageThrottle } from '../../local/account/stage-throttle.js';

/** API Gateway's token bucket, on a clock the test moves. */
describe('the HTTP API stage throttle', () => {
  it('lets a burst through, refuses the next, and refills at the rate, never past the burst', () => {
    let now = 0;
    const bucket = new StageThrottle(3, 2, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now += 499; // 0.998 of a token
    expect(bucket.take()).toBe(false);
    now += 2; // a whole one
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now += 60_000; // a minute idle fills it to the burst, not to 120
    expect(Array.from({ length: 5 }, () => bucket.take())).toEqual([true, true, true, false, false]);
  });

  it('with a rate of 0, allows the burst once', () => {
    let now = 0;
    const bucket = new StageThrottle(1, 0, () => now);
    now += 1e9;
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
  });

  it('refuses settings that are not numbers, or negative', () => {
    expect(() => new StageThrottle(Number.NaN, 1)).toThrow('Invalid stage throttle: burst NaN, rate 1.');
    expect(() => new StageThrottle(1, Number.NaN)).toThrow('Invalid stage throttle: burst 1, rate NaN.');
    expect(() => new StageThrottle(1, -1)).toThrow('Invalid stage throttle: burst 1, rate -1.');
    expect(() => new StageThrottle(-1, 1)).toThrow('Invalid stage throttle: burst -1, rate 1.');
  });

  it('with a burst of 0, refuses every request (API Gateway’s way to close a stage)', () => {
    let now = 0;
    const bucket = new StageThrottle(0, 10, () => now);
    now += 60_000;
    expect([bucket.take(), bucket.take()]).toEqual([false, false]);
  });
});
