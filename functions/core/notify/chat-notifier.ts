import type { ReplyTarget } from '../chat/reply-target.js';
import type { FailureReport, FinishedDelivery, FinishedVideo, Notifier, ProgressUpdate } from './notifier.js';

/**
 * Routes each reply to the adapter of the platform the command came from: one adapter per
 * registered platform (bots/platforms.ts). A target of a platform with no adapter is a
 * deployment bug, and says so.
 */
export class ChatNotifier implements Notifier {
  constructor(private readonly adapters: Readonly<Record<string, Notifier>>) {}

  progress(target: ReplyTarget, update: ProgressUpdate, messageId?: string): Promise<string | undefined> {
    return this.adapter(target).progress(target, update, messageId);
  }

  finished(target: ReplyTarget, video: FinishedVideo, messageId?: string): Promise<FinishedDelivery> {
    return this.adapter(target).finished(target, video, messageId);
  }

  failed(target: ReplyTarget, failure: FailureReport, messageId?: string): Promise<void> {
    return this.adapter(target).failed(target, failure, messageId);
  }

  private adapter(target: ReplyTarget): Notifier {
    const adapter = Object.hasOwn(this.adapters, target.platform)
      ? this.adapters[target.platform]
      : undefined;
    if (!adapter)
      throw new Error(
        `No chat platform "${target.platform}" is registered here (registered: ${Object.keys(this.adapters).join(', ')}).`,
      );
    return adapter;
  }
}
