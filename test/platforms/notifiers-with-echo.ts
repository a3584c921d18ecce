import { notifiersFor } from '../../bots/notifiers.js';
import type { ChatSettings } from '../../bots/platforms.js';
import { ChatNotifier } from '../../functions/core/notify/chat-notifier.js';
import type { RunMessages } from '../../functions/core/notify/run-messages.js';
import { EchoNotifier } from './echo/echo-notifier.js';

/** The deployed notifiers plus Echo's: what `@clipbay/notifiers` resolves to with test/platforms/tsconfig.json. */
export function chatNotifierFor(settings: ChatSettings, runMessages?: RunMessages): ChatNotifier {
  return new ChatNotifier({ ...notifiersFor(settings, runMessages), echo: new EchoNotifier() });
}
