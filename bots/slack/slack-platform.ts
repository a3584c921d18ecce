import * as z from 'zod';
import type { PlatformSetup } from '../../functions/core/chat/chat-platform.js';
import { standInHost } from '../../functions/core/chat/stand-in-host.js';
import {
  readSlackEnvironment,
  SLACK_VARIABLES,
  slackSecretSchema,
  slackWithSecret,
  type SlackSecret,
  type SlackSettings,
} from './slack-settings.js';

/** A Slack reply target: the command's `response_url` (30 minutes, 5 posts) and its channel. */
export const slackReplyTargetSchema = z.object({
  platform: z.literal('slack'),
  channelId: z.string().min(1),
  /** The Slack team (workspace) id. */
  workspaceId: z.string().min(1).optional(),
  responseUrl: z.string().url(),
  /** Post new messages instead of replacing the one the response_url belongs to (re-runs). */
  keepOriginal: z.boolean().optional(),
});
export type SlackReplyTarget = z.infer<typeof slackReplyTargetSchema>;

/** Slack, as the neutral code sees it (registered in bots/platforms.ts). */
export const slackPlatform = {
  id: 'slack',
  label: 'Slack',
  workspaceNoun: 'workspace',
  replyTarget: slackReplyTargetSchema,
  variables: SLACK_VARIABLES,
  deployVariables: [],
  readEnvironment: readSlackEnvironment,
  withSecret: slackWithSecret,
  secret: {
    constructId: 'SlackSecrets',
    variable: 'SLACK_SECRET_ARN',
    required: 'signingSecret',
    shape: slackSecretSchema,
    unfilled: { signingSecret: '', botToken: '' },
    description: 'clipbay: JSON {"signingSecret", "botToken"} from the Slack app',
  },
  ingress: {
    functionId: 'SlackEventsFn',
    entry: 'functions/slack-events.ts',
    path: '/slack/events',
    output: { id: 'SlackRequestUrl', description: 'Slack: slash command and interactivity URL' },
  },
  files: {
    // Private files (url_private) on files.slack.com, read with the bot token (files:read); a
    // stand-in API (SLACK_API_URL elsewhere, as locally) serves them from its own host.
    hosts: (settings) => ['files.slack.com', ...standInHost(settings.apiUrl, 'slack.com')],
    authorization: (settings) => (settings.botToken ? `Bearer ${settings.botToken}` : undefined),
  },
} as const satisfies PlatformSetup<SlackReplyTarget, SlackSettings, SlackSecret, SlackSettings>;
