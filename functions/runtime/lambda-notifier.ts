import { chatNotifierFor } from '@clipbay/notifiers';
import type { ChatNotifier } from '../core/notify/chat-notifier.js';
import { runMessagesIn } from '../core/notify/run-messages.js';
import type { LambdaConfig } from './lambda-config.js';
import { usageLedger } from './lambda-ledger.js';
import { logger } from './logger.js';
import { remembered } from './remembered.js';

type NotifierConfig = Pick<LambdaConfig, 'chat' | 'usage'>;

const notifierFor = remembered(({ chat, usage }: NotifierConfig) => {
  const ledger = usageLedger({ usage });
  const runMessages =
    ledger &&
    runMessagesIn(ledger, (error, action) =>
      logger.warn(`the run's message record could not be ${action === 'read' ? 'read' : 'written'}`, {
        errorMessage: (error as Error).message,
      }),
    );
  return chatNotifierFor(chat, runMessages);
});

/**
 * The notifier for the steps that talk to chat: made once, and again when a platform's settings
 * change. With the usage ledger (USAGE_TABLE), a message a step posts anew is recorded on the
 * run's row, so a retried step edits it instead of posting it twice.
 */
export function chatNotifier(config: NotifierConfig): ChatNotifier {
  return notifierFor({ chat: config.chat, usage: config.usage });
}
