import type { SlackSettings } from '../../bots/slack/slack-settings.js';
import type { LocalPlatform } from './local-platform.js';

/** Slack on this machine: the local signing secret unless SLACK_SIGNING_SECRET is set. */
export const slackLocal: LocalPlatform<SlackSettings> = {
  secretValue: (settings, { keys, standInBotToken }) => ({
    signingSecret: settings.signingSecret ?? keys.slackSigningSecret,
    botToken: settings.botToken ?? standInBotToken ?? '',
  }),
  connectLine: (settings, url) =>
    settings.signingSecret
      ? `expose ${url}/slack/events (e.g. a tunnel) as the slash command and interactivity URL`
      : 'set SLACK_SIGNING_SECRET (+ SLACK_BOT_TOKEN), or SLACK_APP_TOKEN for Socket Mode',
};
