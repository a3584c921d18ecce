import { chatNotifierFor } from '@clipbay/notifiers';
import type { ChatNotifier } from '../core/notify/chat-notifier.js';
import type { LambdaConfig } from './lambda-config.js';

let made: { key: string; notifier: ChatNotifier } | undefined;

/** The notifier for the steps that talk to chat: made once, and again when a platform's settings change. */
export function chatNotifier(config: Pick<LambdaConfig, 'chat'>): ChatNotifier {
  const key = JSON.stringify(config.chat);
  if (made?.key === key) return made.notifier;
  made = { key, notifier: chatNotifierFor(config.chat) };
  return made.notifier;
}
