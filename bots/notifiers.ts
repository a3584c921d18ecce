import { ChatNotifier } from '../functions/core/notify/chat-notifier.js';
import type { Notifier } from '../functions/core/notify/notifier.js';
import { DiscordNotifier } from './discord/discord-notifier.js';
import type { ChatSettings, PlatformId } from './platforms.js';
import { SlackNotifier } from './slack/slack-notifier.js';

/**
 * Each registered platform's notifier, made from its settings. Typed by the registry: a platform
 * registered in bots/platforms.ts without a notifier here is a type error. Kept apart from the
 * registry because notifiers bring their chat SDKs, which the ingress bundles do not need.
 */
export const NOTIFIERS: { [Id in PlatformId]: (settings: ChatSettings[Id]) => Notifier } = {
  slack: (settings) => new SlackNotifier({ apiUrl: settings.apiUrl, botToken: settings.botToken }),
  discord: (settings) => new DiscordNotifier({ apiBase: settings.apiBase, botToken: settings.botToken }),
};

/** One notifier that answers every registered platform. */
export function chatNotifierFor(settings: ChatSettings): ChatNotifier {
  const adapters = Object.fromEntries(
    (Object.keys(NOTIFIERS) as PlatformId[]).map((id) => [
      id,
      (NOTIFIERS[id] as (settings: ChatSettings[PlatformId]) => Notifier)(settings[id]),
    ]),
  );
  return new ChatNotifier(adapters);
}
