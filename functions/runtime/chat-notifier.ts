import type { ClipbayConfig } from '../core/config.js';
import { ChatNotifier } from '../core/notify/chat-notifier.js';
import { DiscordNotifier } from '../../bots/discord/discord-notifier.js';
import { SlackNotifier } from '../../bots/slack/slack-notifier.js';

let made: { key: string; notifier: ChatNotifier } | undefined;

/** The notifier for the steps that talk to chat: made once, and again when a token changes. */
export function chatNotifier(config: ClipbayConfig): ChatNotifier {
  const key = JSON.stringify([config.slack.botToken, config.discord.botToken]);
  if (made?.key === key) return made.notifier;
  const notifier = new ChatNotifier({
    slack: new SlackNotifier({ apiUrl: config.slack.apiUrl, botToken: config.slack.botToken }),
    discord: new DiscordNotifier({ apiBase: config.discord.apiBase, botToken: config.discord.botToken }),
  });
  made = { key, notifier };
  return notifier;
}
