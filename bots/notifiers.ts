import { ChatNotifier } from '../functions/core/notify/chat-notifier.js';
import type { Notifier } from '../functions/core/notify/notifier.js';
import type { RunMessages } from '../functions/core/notify/run-messages.js';
import { DiscordNotifier } from './discord/discord-notifier.js';
import type { ChatSettings, PlatformId } from './platforms.js';
import { SlackNotifier } from './slack/slack-notifier.js';

/**
 * Each registered platform's notifier, made from its settings. Typed by the registry: a platform
 * registered in bots/platforms.ts without a notifier here is a type error. Kept apart from the
 * registry because notifiers bring their chat SDKs, which the ingress bundles do not need.
 * `runMessages` keeps the message each run posted anew, so that a retried step edits it.
 */
export function notifiersFor(
  settings: ChatSettings,
  runMessages?: RunMessages,
): Record<PlatformId, Notifier> {
  return {
    slack: new SlackNotifier({
      apiUrl: settings.slack.apiUrl,
      botToken: settings.slack.botToken,
      runMessages,
    }),
    discord: new DiscordNotifier({
      apiBase: settings.discord.apiBase,
      botToken: settings.discord.botToken,
      runMessages,
    }),
  };
}

/** One notifier that answers every registered platform. */
export function chatNotifierFor(settings: ChatSettings, runMessages?: RunMessages): ChatNotifier {
  return new ChatNotifier(notifiersFor(settings, runMessages));
}
