import * as z from 'zod';
import { workflowInputSchema } from '../chat/accepted-command.js';

/**
 * What travels through the state machine. The ingress builds `WorkflowInput` (core/chat/accepted-command.ts); each step adds its
 * result under its own key (`task`, `status`, `video`, `error`), as the ResultPaths in
 * infra/video-workflow.ts say. Every step validates what it reads with these schemas.
 */

export const submittedTaskSchema = z.object({
  taskId: z.string().min(1),
  /** Our own random id for the clip: the S3 key and the share link use it, never the task id. */
  clipId: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  submittedAt: z.number().int().nonnegative(),
});
export type SubmittedTask = z.infer<typeof submittedTaskSchema>;

/** TokenBay answered 429: no task was created; the state machine waits this long and submits again. */
export const submitThrottledSchema = z.object({
  throttled: z.literal(true),
  retryAfterSeconds: z.number().int().positive(),
});
export type SubmitThrottled = z.infer<typeof submitThrottledSchema>;

export const POLL_OUTCOME = {
  running: 'running',
  ready: 'ready',
  failed: 'failed',
  timedOut: 'timed-out',
} as const;

export const taskStatusSchema = z.object({
  outcome: z.enum(['running', 'ready', 'failed', 'timed-out']),
  rawStatus: z.string(),
  progress: z.number().int().min(0).max(100),
  action: z.string(),
  resultUrl: z.string().optional(),
  reason: z.string().optional(),
  polls: z.number().int().nonnegative(),
  /** What TokenBay charged, once it settled the task (on SUCCESS or FAILURE; may come later). */
  quota: z.number().nonnegative().optional(),
  /** The progress message being updated in place, once one was posted. */
  messageId: z.string().optional(),
});
export type TaskStatusResult = z.infer<typeof taskStatusSchema>;

export const savedVideoSchema = z.object({
  key: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  resumes: z.number().int().nonnegative(),
});
export type SavedVideo = z.infer<typeof savedVideoSchema>;

/** What a Catch puts at `$.error`. In AWS `Cause` is a JSON string with `errorMessage`. */
export const caughtErrorSchema = z.object({ Error: z.string(), Cause: z.string().optional() });
export type CaughtError = z.infer<typeof caughtErrorSchema>;

export const afterSubmitSchema = workflowInputSchema.extend({ task: submittedTaskSchema });
export const afterPollSchema = afterSubmitSchema.extend({ status: taskStatusSchema });
export const afterSaveSchema = afterPollSchema.extend({ video: savedVideoSchema });
/** ReportFailure can be reached from any step, so everything but the input is optional. */
export const failureInputSchema = workflowInputSchema.extend({
  task: z.union([submittedTaskSchema, submitThrottledSchema]).optional(),
  status: taskStatusSchema.optional(),
  error: caughtErrorSchema.optional(),
});

export type FailureInput = z.infer<typeof failureInputSchema>;

/** SettleUsage ends every run: after PostLink (`posted`) or after ReportFailure. */
export const settleInputSchema = failureInputSchema.extend({
  posted: z
    .object({ posted: z.literal(true) })
    .loose()
    .optional(),
});
export type SettleInput = z.infer<typeof settleInputSchema>;
