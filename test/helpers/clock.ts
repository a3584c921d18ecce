import type { Clock } from '../../functions/core/clock.js';

/** A clock the test moves by hand; `sleep` advances it instantly instead of waiting. */
export function manualClock(start = 1_800_000_000_000): Clock & {
  advance(seconds: number): void;
  sleep(ms: number): Promise<void>;
} {
  let now = start;
  return {
    now: () => now,
    advance: (seconds) => void (now += seconds * 1000),
    sleep: async (ms) => void (now += ms),
  };
}
