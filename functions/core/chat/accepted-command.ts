import * as z from 'zod';
import { videoRequestSchema } from '../request/video-request.js';
import { replyTargetSchema } from './reply-target.js';
import { requesterSchema } from './requester.js';

/**
 * A video command as it was accepted from chat: what the ingress starts the workflow with (its
 * input), what the ledger counts, and what every step reads first. The steps add their results
 * beside it (core/workflow/execution-state.ts).
 */
export const workflowInputSchema = z.object({
  /** The execution name: Slack trigger_id or Discord interaction id. Quoted in error messages. */
  id: z.string().min(1).max(80),
  request: videoRequestSchema,
  replyTo: replyTargetSchema,
  requestedBy: requesterSchema,
  /** When the command arrived, ms since the epoch. */
  requestedAt: z.number().int().nonnegative(),
});
export type WorkflowInput = z.infer<typeof workflowInputSchema>;
