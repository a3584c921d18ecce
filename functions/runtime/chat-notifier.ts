import type { ClipbayConfig } from '../core/config.js';
import { ChatNotifier } from '../core/notify/chat-notifier.js';
import { DiscordNotifier } from '../core/notify/discord-notifier.js';
import { SlackNotifier } from '../core/notify/slack-notifier.js';

let notifier: ChatNotifier | undefined;

/** The notifier for the steps that talk to chat, made once per cold start. */
export function chatNotifier(config: ClipbayConfig): ChatNotifier {
  return (notifier ??= new ChatNotifier({
    slack: new SlackNotifier({ apiUrl: config.slack.apiUrl, botToken: config.slack.botToken }),
    discord: new DiscordNotifier({ apiBase: config.discord.apiBase, botToken: config.discord.botToken }),
  }));
}
