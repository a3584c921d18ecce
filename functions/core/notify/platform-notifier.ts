import type { Clock } from '../clock.js';
import type { ReplyTarget } from '../workflow/execution-state.js';
import type { FailureReport, FinishedDelivery, FinishedVideo, Notifier, ProgressUpdate } from './notifier.js';
import { sendWithReducedRetry } from './reduced-retry.js';

/** How a platform renders each of clipbay's messages (pure functions from the facts to its JSON). */
export interface MessageRenderer<Message> {
  progress(update: ProgressUpdate): Message;
  finished(video: FinishedVideo, now: number): Message;
  /** A line and the share link: sent when the platform refuses the full finished message. */
  reducedFinished(video: FinishedVideo): Message;
  failure(failure: FailureReport): Message;
}

/**
 * What every chat adapter does the same way: render, then deliver; a refused finished message is
 * sent once more in its reduced form. A platform supplies its platform name, its renderer, how it
 * narrows a reply target, and how it delivers one message.
 */
export abstract class PlatformNotifier<Target extends ReplyTarget, Message> implements Notifier {
  protected abstract readonly clock: Clock;

  constructor(
    protected readonly platform: Target['platform'],
    /** The platform's name as people write it, for operators' error messages. */
    private readonly label: string,
    protected readonly render: MessageRenderer<Message>,
  ) {}

  /** Delivers one message; returns the id to pass back on the next call (progress updates in place). */
  protected abstract deliver(
    target: Target,
    message: Message,
    messageId: string | undefined,
  ): Promise<string | void>;

  protected narrow(target: ReplyTarget): Target {
    if (target.platform !== this.platform)
      throw new Error(`The ${this.platform} notifier cannot answer ${target.platform}.`);
    return target as Target;
  }

  async progress(
    target: ReplyTarget,
    update: ProgressUpdate,
    messageId?: string,
  ): Promise<string | undefined> {
    return (await this.deliver(this.narrow(target), this.render.progress(update), messageId)) ?? messageId;
  }

  finished(target: ReplyTarget, video: FinishedVideo, messageId?: string): Promise<FinishedDelivery> {
    return this.finish(this.narrow(target), video, messageId);
  }

  /** Posts the finished clip the platform's way: an upload that plays in place where it can, else the link. */
  protected abstract finish(
    target: Target,
    video: FinishedVideo,
    messageId: string | undefined,
  ): Promise<FinishedDelivery>;

  /** The link message (today's finished message), or its reduced form when the full one is refused. */
  protected async sendLink(
    target: Target,
    video: FinishedVideo,
    messageId: string | undefined,
  ): Promise<void> {
    await sendWithReducedRetry(
      this.label,
      (message: Message) => this.deliver(target, message, messageId),
      this.render.finished(video, this.clock.now()),
      () => this.render.reducedFinished(video),
    );
  }

  async failed(target: ReplyTarget, failure: FailureReport, messageId?: string): Promise<void> {
    await this.deliver(this.narrow(target), this.render.failure(failure), messageId);
  }
}
