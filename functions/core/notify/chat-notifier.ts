import type { ReplyTarget } from '../workflow/execution-state.js';
import type { FailureReport, FinishedDelivery, FinishedVideo, Notifier, ProgressUpdate } from './notifier.js';

/** Routes each reply to the adapter for the platform the command came from. */
export class ChatNotifier implements Notifier {
  constructor(private readonly adapters: Record<ReplyTarget['platform'], Notifier>) {}

  progress(target: ReplyTarget, update: ProgressUpdate, messageId?: string): Promise<string | undefined> {
    return this.adapters[target.platform].progress(target, update, messageId);
  }

  finished(target: ReplyTarget, video: FinishedVideo, messageId?: string): Promise<FinishedDelivery> {
    return this.adapters[target.platform].finished(target, video, messageId);
  }

  failed(target: ReplyTarget, failure: FailureReport, messageId?: string): Promise<void> {
    return this.adapters[target.platform].failed(target, failure, messageId);
  }
}
