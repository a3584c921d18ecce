import { App, LogLevel, type BlockAction, type ButtonAction, type Receiver } from '@slack/bolt';
import { PrivateAnswerError } from '../../functions/core/errors.js';
import { parseCommandText } from '../../functions/core/grammar/command-text.js';
import { decodeSlackText } from './slack-escapes.js';
import { acceptCommand } from '../../functions/core/ingress/accept-command.js';
import { RERUN, rerunVideo, type RerunDeps } from '../../functions/core/ingress/rerun-video.js';
import { SLACK_ACTION, slackEphemeral, slackQueuedMessage } from './slack-messages.js';
import { slackPlatform, type SlackReplyTarget } from './slack-platform.js';
import { listenToAnimate } from './slack-animate.js';
import { listenToVideoForm, openVideoForm, type SlackFormOptions } from './slack-form-listeners.js';

export const VIDEO_COMMAND = '/video';

/**
 * The Bolt app: one `/video` listener, whatever the receiver (AwsLambdaReceiver on Lambda, the
 * HTTP receiver in the local stack, Socket Mode on a laptop). Bolt verifies the signing secret
 * (missing, wrong or older than 5 minutes → 401). The listener parses with the shared grammar,
 * starts the workflow named after `trigger_id`, then acks: no work happens after the ack.
 */
export function createSlackApp(
  receiver: Receiver,
  deps: RerunDeps,
  options: SlackFormOptions & { apiUrl?: string } = { botToken: undefined },
): App {
  const app = new App({
    receiver,
    // Where the form's views.open and views.update go (SLACK_API_URL; a local stand-in in tests).
    ...(options.apiUrl ? { clientOptions: { slackApiUrl: options.apiUrl } } : {}),
    // Slash commands need no token to be answered: replies go to response_url or use the bot
    // token inside the workflow. This also skips Bolt's auth.test call at start-up.
    authorize: async () => ({}),
    logLevel: LogLevel.WARN,
  });

  app.command(VIDEO_COMMAND, async ({ command, ack }) => {
    // `/video` alone opens the form (with a bot token; without one, it answers with help).
    if (!decodeSlackText(command.text).trim() && (await openVideoForm(app, command, deps, options))) {
      await ack();
      return;
    }
    try {
      const parsed = parseCommandText(decodeSlackText(command.text), {
        defaultModel: deps.defaultModel,
        copiedImageHosts: options.fileHosts ?? [],
      });
      const accepted = await acceptCommand(
        parsed,
        {
          id: command.trigger_id,
          replyTo: {
            platform: slackPlatform.id,
            responseUrl: command.response_url,
            channelId: command.channel_id,
            workspaceId: command.team_id,
          } satisfies SlackReplyTarget,
          requestedBy: { id: command.user_id, name: command.user_name },
        },
        deps,
      );
      if (accepted.kind === 'private') await ack(slackEphemeral(accepted.text));
      else
        await ack({
          response_type: 'in_channel',
          ...slackQueuedMessage(accepted.request, accepted.requestedBy),
        });
    } catch (error) {
      if (!(error instanceof PrivateAnswerError)) throw error;
      await ack(slackEphemeral(`${error.message}\nType \`/video help\` for all options.`));
    }
  });

  // Re-roll: the same request with a new seed, as a new task. The button holds only the original
  // execution's name; the request is read back from it. Answered like a command, then acked.
  app.action<BlockAction<ButtonAction>>(SLACK_ACTION.reroll, async ({ body, action, ack, respond }) => {
    try {
      const accepted = await rerunVideo(
        RERUN.reroll,
        action.value ?? '',
        {
          id: body.trigger_id,
          replyTo: {
            platform: slackPlatform.id,
            responseUrl: body.response_url,
            channelId: body.channel?.id ?? body.container.channel_id ?? '',
            workspaceId: body.team?.id,
            keepOriginal: true,
          } satisfies SlackReplyTarget,
          requestedBy: { id: body.user.id, name: body.user.username ?? body.user.name ?? body.user.id },
        },
        deps,
      );
      if (accepted.kind === 'queued' && !accepted.duplicate)
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: `Re-rolling with seed ${accepted.request.seed}…`,
        });
    } catch (error) {
      if (!(error instanceof PrivateAnswerError)) throw error;
      await respond({ response_type: 'ephemeral', replace_original: false, text: error.message });
    }
    await ack();
  });

  listenToVideoForm(app, deps, options);
  listenToAnimate(app, deps, options);

  // Cancel under a run's progress: only the asker or an admin; the message then says who cancelled.
  app.action<BlockAction<ButtonAction>>(SLACK_ACTION.cancel, async ({ body, action, ack, respond }) => {
    const outcome = await deps.cancel(action.value ?? '', {
      id: body.user.id,
      name: body.user.username ?? body.user.name ?? body.user.id,
    });
    await respond(
      outcome.kind === 'private'
        ? { response_type: 'ephemeral', replace_original: false, text: outcome.text }
        : { replace_original: true, text: outcome.text, blocks: [] },
    );
    await ack();
  });

  // Link buttons (Watch, Share link) open their URL in the browser, but Slack still sends an
  // action to the request URL; acknowledge it so no warning shows next to the button.
  app.action(/^clipbay_(watch|share)$/, async ({ ack }) => {
    await ack();
  });

  return app;
}
