import { expect } from 'vitest';
import type { LocalExecution } from '../../local/workflow/local-workflow.js';
import type { Recorded } from './recording-notifier.js';

/**
 * A failed run ended cleanly: by the definition's own Fail state (`VideoFailed`, never
 * `States.Runtime`, which no Catch takes), through ReportFailure once and the failed run's settle
 * once, and the channel told exactly once that it failed, never that it was ready.
 */
export function expectFailedCleanly(execution: LocalExecution, messages: Recorded[]): void {
  expect({ status: execution.status, error: execution.error }).toEqual({
    status: 'FAILED',
    error: 'VideoFailed',
  });
  expect(execution.statesEntered).toMatchObject({ ReportFailure: 1, SettleFailedRunUsage: 1 });
  expect(messages.filter((m) => m.kind === 'failed')).toHaveLength(1);
  expect(messages.filter((m) => m.kind === 'finished')).toEqual([]);
}
