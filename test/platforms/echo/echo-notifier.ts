import { systemClock, type Clock } from '../../../functions/core/clock.js';
import { NotifyError } from '../../../functions/core/errors.js';
import {
  LINK_ONLY_REASON,
  type FinishedDelivery,
  type FinishedVideo,
} from '../../../functions/core/notify/notifier.js';
import { PlatformNotifier } from '../../../functions/core/notify/platform-notifier.js';
import { echoPlatform, type EchoReplyTarget } from './echo-platform.js';

/** What Echo receives: one JSON message per answer, plain text plus what kind it is. */
export interface EchoMessage {
  kind: 'progress' | 'finished' | 'failed';
  text: string;
}

/** Echo's adapter: every message is a POST of JSON to the command's replyUrl; links only. */
export class EchoNotifier extends PlatformNotifier<EchoReplyTarget, EchoMessage> {
  protected readonly clock: Clock = systemClock;

  constructor() {
    super(echoPlatform, {
      progress: (update) => ({ kind: 'progress', text: `${update.status} ${Math.round(update.progress)}%` }),
      finished: (video) => ({ kind: 'finished', text: `Your video is ready: ${video.shareLink}` }),
      reducedFinished: (video) => ({ kind: 'finished', text: video.shareLink }),
      failure: (failure) => ({ kind: 'failed', text: `${failure.reason} (${failure.reference})` }),
    });
  }

  protected async deliver(target: EchoReplyTarget, message: EchoMessage): Promise<void> {
    const response = await fetch(target.replyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
    }).catch((error: unknown) => {
      throw new NotifyError('Echo could not be reached.', { cause: error });
    });
    if (!response.ok) throw new NotifyError(`Echo answered ${response.status}.`);
  }

  protected async finish(
    target: EchoReplyTarget,
    video: FinishedVideo,
    messageId: string | undefined,
  ): Promise<FinishedDelivery> {
    await this.sendLink(target, video, messageId);
    return { inline: 'link', reason: LINK_ONLY_REASON.off };
  }
}
