import { App, LogLevel, type Receiver } from '@slack/bolt';
import { UsageError } from '../../functions/core/errors.js';
import { parseCommandText } from '../../functions/core/grammar/command-text.js';
import { decodeSlackText } from '../../functions/core/grammar/slack-escapes.js';
import { acceptCommand, type AcceptDeps } from '../../functions/core/ingress/accept-command.js';
import { slackEphemeral, slackQueuedMessage } from '../../functions/core/messages/slack-messages.js';

export const VIDEO_COMMAND = '/video';

/**
 * The Bolt app: one `/video` listener, whatever the receiver (AwsLambdaReceiver on Lambda, the
 * HTTP receiver in the local stack, Socket Mode on a laptop). Bolt verifies the signing secret
 * (missing, wrong or older than 5 minutes → 401). The listener parses with the shared grammar,
 * starts the workflow named after `trigger_id`, then acks: no work happens after the ack.
 */
export function createSlackApp(receiver: Receiver, deps: AcceptDeps): App {
  const app = new App({
    receiver,
    // Slash commands need no token to be answered: replies go to response_url or use the bot
    // token inside the workflow. This also skips Bolt's auth.test call at start-up.
    authorize: async () => ({}),
    logLevel: LogLevel.WARN,
  });

  app.command(VIDEO_COMMAND, async ({ command, ack }) => {
    try {
      const parsed = parseCommandText(decodeSlackText(command.text), { defaultModel: deps.defaultModel });
      const accepted = await acceptCommand(
        parsed,
        {
          id: command.trigger_id,
          replyTo: {
            platform: 'slack',
            responseUrl: command.response_url,
            channelId: command.channel_id,
            teamId: command.team_id,
          },
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
      if (!(error instanceof UsageError)) throw error;
      await ack(slackEphemeral(`${error.message}\nType \`/video help\` for all options.`));
    }
  });

  // Link buttons (Watch, Share link) open their URL in the browser, but Slack still sends an
  // action to the request URL; acknowledge it so no warning shows next to the button.
  app.action(/^clipbay_(watch|share)$/, async ({ ack }) => {
    await ack();
  });

  return app;
}
