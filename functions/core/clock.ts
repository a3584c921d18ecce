/** Time, injectable: handlers and the simulator read it through this, tests pass their own. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that runs `speed` times faster than real time from the moment it is made. Tests and
 * benchmarks use it to run a 5-minute generation in seconds while every component still agrees
 * on (virtual) time; pair it with Wait overrides of `seconds * 1000 / speed` ms.
 */
export function acceleratedClock(speed: number, base: Clock = systemClock): Clock {
  const start = base.now();
  return { now: () => start + (base.now() - start) * speed };
}
