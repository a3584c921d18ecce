import type { NetworkEffect } from './lambda-container.js';

/**
 * Faults a test plans for one run's invocations of one function, applied where Lambda would
 * report them: at the invocation, before the handler runs, so the outcome never depends on timing.
 * Each fault is reported with the name AWS gives it.
 */
export type InvokeFault =
  /** Lambda refused the invoke (concurrency): the function never ran. */
  | { kind: 'throttle' }
  /** The execution environment died (`Runtime.ExitError`); it is thrown away, the next is cold. */
  | { kind: 'crash' }
  /**
   * The environment dies just after the handler finished, before Lambda returns its answer
   * (`Runtime.ExitError`): the function's work is done, and the caller cannot know.
   */
  | { kind: 'crash-after' }
  /** The function ran past its timeout (`Sandbox.Timedout`); the environment is thrown away. */
  | { kind: 'timeout' }
  /**
   * The environment was frozen long enough for the network path to forget its kept-alive
   * connections (a NAT's idle timeout): each answers the next bytes written to it with a reset.
   */
  | { kind: 'reset-after-freeze' }
  /** The function's own error, as its handler would throw it (`errorType` is the error's name). */
  | { kind: 'error'; errorType: string; message?: string }
  /** The function answers this instead of running (an oversized or unexpected result). */
  | { kind: 'returns'; value: unknown };

export interface PlannedFault {
  /** The function's logical id, or its start (`SaveToS3Fn`). */
  fn: string;
  /** The run: the workflow input's `id`, or the execution name of an EventBridge status change. */
  execution: string;
  /** Which of that run's invocations of the function, from 1; `all` for every one. */
  attempt: number | 'all';
  fault: InvokeFault;
}

/** What a planned reset-after-freeze did to the environment that took the invocation. */
export interface ResetAfterFreeze extends NetworkEffect {
  fn: string;
  execution: string;
}

export class FaultPlan {
  private readonly planned: PlannedFault[] = [];
  private readonly invocations = new Map<string, number>();
  /** Every reset-after-freeze applied so far, with what it did (a test asserts it bit). */
  readonly resetsAfterFreeze: ResetAfterFreeze[] = [];

  add(...faults: PlannedFault[]): void {
    this.planned.push(...faults);
  }

  /** How many times the function was invoked for the run so far. */
  invocationsOf(fn: string, execution: string): number {
    return [...this.invocations.entries()]
      .filter(([key]) => key.startsWith(fn) && key.endsWith(`|${execution}`))
      .reduce((sum, [, n]) => sum + n, 0);
  }

  recordResetAfterFreeze(logicalId: string, event: unknown, effect: NetworkEffect): void {
    this.resetsAfterFreeze.push({ fn: logicalId, execution: runOf(event) ?? '-', ...effect });
  }

  /** Counts this invocation and answers the fault planned for it, if any. */
  next(logicalId: string, event: unknown): InvokeFault | undefined {
    const execution = runOf(event);
    if (execution === undefined) return undefined;
    const key = `${logicalId}|${execution}`;
    const attempt = (this.invocations.get(key) ?? 0) + 1;
    this.invocations.set(key, attempt);
    return this.planned.find(
      (p) =>
        logicalId.startsWith(p.fn) &&
        p.execution === execution &&
        (p.attempt === 'all' || p.attempt === attempt),
    )?.fault;
  }
}

function runOf(event: unknown): string | undefined {
  const e = event as { id?: unknown; detail?: { name?: unknown } } | null;
  if (typeof e?.id === 'string' && e.detail === undefined) return e.id;
  return typeof e?.detail?.name === 'string' ? e.detail.name : undefined;
}
