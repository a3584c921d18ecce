import type {
  FailureReport,
  FinishedDelivery,
  FinishedVideo,
  Notifier,
  ProgressUpdate,
} from '../../functions/core/notify/notifier.js';
import type { ReplyTarget } from '../../functions/core/chat/reply-target.js';

export type Recorded =
  | { kind: 'progress'; target: ReplyTarget; update: ProgressUpdate; messageId: string | undefined }
  | { kind: 'finished'; target: ReplyTarget; video: FinishedVideo; messageId: string | undefined }
  | { kind: 'failed'; target: ReplyTarget; failure: FailureReport; messageId: string | undefined };

/** The test adapter for the Notifier port: records every message instead of posting it. */
export class RecordingNotifier implements Notifier {
  readonly messages: Recorded[] = [];

  async progress(target: ReplyTarget, update: ProgressUpdate, messageId?: string): Promise<string> {
    this.messages.push({ kind: 'progress', target, update, messageId });
    return 'progress-message';
  }

  async finished(target: ReplyTarget, video: FinishedVideo, messageId?: string): Promise<FinishedDelivery> {
    this.messages.push({ kind: 'finished', target, video, messageId });
    return { inline: 'link', reason: 'inline-off' };
  }

  async failed(target: ReplyTarget, failure: FailureReport, messageId?: string): Promise<void> {
    this.messages.push({ kind: 'failed', target, failure, messageId });
  }

  for(id: string): Recorded[] {
    return this.messages.filter((m) => {
      const request = m.kind === 'progress' ? m.update : m.kind === 'finished' ? m.video : m.failure;
      return (
        (request as { reference?: string }).reference === id ||
        (m.target as { channelId: string }).channelId === id
      );
    });
  }
}
