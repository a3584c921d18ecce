import { chatNotifierFor } from '@clipbay/notifiers';
import type { ChatNotifier } from '../core/notify/chat-notifier.js';
import type { LambdaConfig } from './lambda-config.js';
import { remembered } from './remembered.js';

const notifierFor = remembered(chatNotifierFor);

/** The notifier for the steps that talk to chat: made once, and again when a platform's settings change. */
export function chatNotifier(config: Pick<LambdaConfig, 'chat'>): ChatNotifier {
  return notifierFor(config.chat);
}
