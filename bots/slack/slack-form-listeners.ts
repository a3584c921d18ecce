import type { App, BlockAction, SlashCommand, StaticSelectAction } from '@slack/bolt';
import { PrivateAnswerError, UsageError } from '../../functions/core/errors.js';
import { acceptCommand } from '../../functions/core/ingress/accept-command.js';
import type { RerunDeps } from '../../functions/core/ingress/rerun-video.js';
import { validateVideoRequest } from '../../functions/core/request/validate-video-request.js';
import { slackQueuedMessage } from './slack-messages.js';
import { slackPlatform, type SlackReplyTarget } from './slack-platform.js';
import {
  formErrors,
  formMetadataSchema,
  formModel,
  formStateSchema,
  readVideoForm,
  VIDEO_FORM,
  videoForm,
  type FormMetadata,
} from './slack-video-form.js';

/** What the form needs beyond the intake: the bot token that may open and update views. */
export interface SlackFormOptions {
  botToken: string | undefined;
  /** Slack's file hosts for these settings (an Animate image is copied from there, not linked). */
  fileHosts?: readonly string[];
}

/**
 * Opens the `/video` form for a command with no text (views.open with its trigger_id, within
 * Slack's 3 s: before the ack, as a Lambda may not run after it). Without a bot token there is no
 * form: false, and the caller answers with help instead.
 */
export async function openVideoForm(
  app: App,
  command: SlashCommand,
  deps: RerunDeps,
  options: SlackFormOptions,
): Promise<boolean> {
  if (!options.botToken) return false;
  const metadata: FormMetadata = {
    channelId: command.channel_id,
    responseUrl: command.response_url,
    workspaceId: command.team_id,
  };
  await app.client.views.open({
    token: options.botToken,
    trigger_id: command.trigger_id,
    view: videoForm(metadata, deps.defaultModel),
  });
  return true;
}

/**
 * The form's two listeners: another model chosen (the form is rebuilt with that family's choices,
 * views.update), and the submission (inline errors from the one validator, or a run started
 * exactly as the command would, answered in the command's channel).
 */
export function listenToVideoForm(app: App, deps: RerunDeps, options: SlackFormOptions): void {
  app.action<BlockAction<StaticSelectAction>>(VIDEO_FORM.modelAction, async ({ body, action, ack }) => {
    const view = body.view;
    const metadata = formMetadataSchema.safeParse(JSON.parse(view?.private_metadata || '{}'));
    if (view && metadata.success && options.botToken)
      await app.client.views.update({
        token: options.botToken,
        view_id: view.id,
        hash: view.hash,
        view: videoForm(metadata.data, action.selected_option.value),
      });
    await ack();
  });

  app.view(VIDEO_FORM.callbackId, async ({ body, view, ack }) => {
    const metadata = formMetadataSchema.parse(JSON.parse(view.private_metadata));
    const state = formStateSchema.parse(view.state.values);
    const blocks = Object.keys(state);
    let request;
    try {
      request = validateVideoRequest(readVideoForm(state), {
        defaultModel: formModel(state) ?? deps.defaultModel,
        copiedImageHosts: options.fileHosts ?? [],
      });
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      await ack({ response_action: 'errors', errors: formErrors(error.message, blocks) });
      return;
    }
    const replyTo: SlackReplyTarget = {
      platform: slackPlatform.id,
      responseUrl: metadata.responseUrl,
      channelId: metadata.channelId,
      ...(metadata.workspaceId ? { workspaceId: metadata.workspaceId } : {}),
    };
    try {
      const accepted = await acceptCommand(
        { kind: 'video', request },
        {
          // The submission's own trigger: a redelivered submission starts nothing new.
          id: (body as { trigger_id?: string }).trigger_id ?? `${view.id}.${view.hash}`,
          replyTo,
          requestedBy: { id: body.user.id, name: body.user.name },
        },
        deps,
      );
      if (accepted.kind === 'private') {
        await ack({ response_action: 'errors', errors: { [VIDEO_FORM.block.prompt]: accepted.text } });
        return;
      }
      // The run answers in the command's channel, as a command's ack would have: the queued message
      // first (before the ack, which may end the Lambda), through the command's response_url.
      if (!accepted.duplicate)
        await postQueued(metadata.responseUrl, slackQueuedMessage(accepted.request, accepted.requestedBy));
      await ack();
    } catch (error) {
      if (!(error instanceof PrivateAnswerError)) throw error;
      await ack({ response_action: 'errors', errors: { [VIDEO_FORM.block.prompt]: error.message } });
    }
  });
}

/** The queued message in the channel, through the command's response_url (best effort: the run goes on). */
async function postQueued(responseUrl: string, message: object): Promise<void> {
  await fetch(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'in_channel', replace_original: false, ...message }),
    signal: AbortSignal.timeout(1500),
  }).catch(() => undefined);
}
