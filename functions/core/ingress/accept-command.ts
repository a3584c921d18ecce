import { helpText, modelsText } from '../grammar/help-text.js';
import type { ParsedCommand, VideoRequest } from '../request/video-request.js';
import type { ReplyTarget } from '../chat/reply-target.js';
import type { Requester } from '../chat/requester.js';
import type { WorkflowInput } from '../chat/accepted-command.js';

export interface CommandContext {
  /** Platform id of this command: Slack trigger_id, Discord interaction id. */
  id: string;
  replyTo: ReplyTarget;
  requestedBy: Requester;
}

export interface AcceptDeps {
  startVideo: (input: WorkflowInput) => Promise<'started' | 'duplicate'>;
  /** `/video usage`: the caller's usage and limits, as text only they see. */
  usage: (context: CommandContext) => Promise<string>;
  /** `/video history` (`--all`: the channel's): the last clips, as text only the caller sees. */
  history: (context: CommandContext, all: boolean) => Promise<string>;
  defaultModel: string;
  now: () => number;
}

/** What the platform adapter should answer: text only the caller sees, or "queued". */
export type Acceptance =
  | { kind: 'private'; text: string }
  | { kind: 'queued'; request: VideoRequest; requestedBy: Requester; duplicate: boolean };

/**
 * The one intake behind both platforms: help, model lists and usage are answered privately; a video
 * request starts the workflow (once per platform id). Usage errors are thrown by the parsers
 * before this point and answered privately by the adapters.
 */
export async function acceptCommand(
  command: ParsedCommand,
  context: CommandContext,
  deps: AcceptDeps,
): Promise<Acceptance> {
  if (command.kind === 'help') return { kind: 'private', text: helpText(deps.defaultModel) };
  if (command.kind === 'models') return { kind: 'private', text: modelsText(deps.defaultModel) };
  if (command.kind === 'usage') return { kind: 'private', text: await deps.usage(context) };
  if (command.kind === 'history') return { kind: 'private', text: await deps.history(context, command.all) };
  const outcome = await deps.startVideo({
    id: context.id,
    request: command.request,
    replyTo: context.replyTo,
    requestedBy: context.requestedBy,
    requestedAt: deps.now(),
  });
  return {
    kind: 'queued',
    request: command.request,
    requestedBy: context.requestedBy,
    duplicate: outcome === 'duplicate',
  };
}
