import { systemClock, type Clock } from '../clock.js';
import { DeadlineExceededError } from '../errors.js';
import { isTransient } from '../retry-policy.js';
import type { TokenBayClient } from './client.js';
import { deadlineFor, type Deadlines } from './deadline.js';
import { isTerminal, type Task } from './task.js';

export interface WaitForTaskOptions {
  /** Seconds between polls; TokenBay asks for at least 5. */
  intervalSeconds: number;
  /** Give up this long after starting to wait, by the task's `action` (see deadlineFor). */
  deadlines: Deadlines;
  /** Told after every successful poll. */
  onUpdate?: (task: Task) => void;
  /** Told when a poll failed and will be tried again at the next interval. */
  onPollError?: (error: Error) => void;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Client-side poll loop (the CLI's; in AWS the state machine's Wait/Choice loop does this job):
 * waits `intervalSeconds` before each poll, tolerates transient poll errors, and returns the task
 * once it is SUCCESS or FAILURE, or throws `DeadlineExceededError`.
 */
export async function waitForTask(
  client: TokenBayClient,
  taskId: string,
  options: WaitForTaskOptions,
): Promise<Task> {
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = clock.now();
  let action: string | undefined;
  for (;;) {
    const deadlineSeconds = deadlineFor(action, options.deadlines);
    if (clock.now() + options.intervalSeconds * 1000 > started + deadlineSeconds * 1000)
      throw new DeadlineExceededError(
        `The video was not ready after ${Math.round(deadlineSeconds / 60)} minutes; TokenBay task ${taskId} was given up.`,
      );
    await sleep(options.intervalSeconds * 1000);
    try {
      const task = await client.get(taskId);
      action = task.action;
      options.onUpdate?.(task);
      if (isTerminal(task.status)) return task;
    } catch (error) {
      if (!isTransient(error)) throw error;
      options.onPollError?.(error as Error);
    }
  }
}
