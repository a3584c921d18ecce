import { randomInt } from 'node:crypto';
import type { Requester } from '../chat/requester.js';
import { runControl, type CancelOutcome } from './cancel-video.js';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { UsageError } from '../errors.js';
import { familyOf } from '../models/families.js';
import type { VideoRequest } from '../request/video-request.js';
import type { AcceptDeps, Acceptance, CommandContext } from './accept-command.js';

/** The buttons under a finished clip. */
export const RERUN = {
  /** Same request, a new task with a new seed. */
  reroll: 'reroll',
  /** Same request in 9:16. */
  vertical: 'vertical',
} as const;
export type RerunKind = (typeof RERUN)[keyof typeof RERUN];

export interface RerunDeps extends AcceptDeps {
  /** The request an earlier execution was started with, or undefined if it is unknown. */
  findRequest: (executionId: string) => Promise<VideoRequest | undefined>;
  randomSeed?: () => number;
  /** The Cancel button under a run's progress (cancel-video.ts). */
  cancel: (executionId: string, pressedBy: Requester) => Promise<CancelOutcome>;
}

/** What a button does to the original request. */
export function rerunRequest(kind: RerunKind, original: VideoRequest, seed: number): VideoRequest {
  if (kind === RERUN.reroll) return { ...original, seed };
  const family = familyOf(original.model);
  if (!family?.ratios.includes('9:16'))
    throw new UsageError(`${family?.label ?? original.model} cannot make vertical videos.`);
  return { ...original, ratio: '9:16' };
}

/**
 * Re-roll and Vertical: read the original request back from its execution, change it, and start a
 * new execution named after the click's own id (a redelivered click starts nothing new).
 */
export async function rerunVideo(
  kind: RerunKind,
  originalExecutionId: string,
  context: CommandContext,
  deps: RerunDeps,
): Promise<Acceptance> {
  const original = await deps.findRequest(originalExecutionId);
  if (!original) throw new UsageError('That video is too old to re-run; type the /video command again.');
  const request = rerunRequest(kind, original, (deps.randomSeed ?? (() => randomInt(0, 2 ** 32 - 1)))());
  const outcome = await deps.startVideo({ ...context, request, requestedAt: deps.now() });
  return { kind: 'queued', request, requestedBy: context.requestedBy, duplicate: outcome === 'duplicate' };
}

/** `findRequest` over the Step Functions API: the original run's input (DescribeExecution). */
export function requestFinder(sfn: SFNClient, stateMachineArn: string): RerunDeps['findRequest'] {
  const { findRun } = runControl(sfn, stateMachineArn);
  return async (executionId) => (await findRun(executionId))?.input.request;
}
