import type { Clock } from '../clock.js';
import { NotifyRejectedError } from '../errors.js';
import type { ChatPlatform } from '../chat/chat-platform.js';
import type { ReplyTarget } from '../chat/reply-target.js';
import type { FailureReport, FinishedDelivery, FinishedVideo, Notifier, ProgressUpdate } from './notifier.js';
import type { RunMessages } from './run-messages.js';
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
 * sent once more in its reduced form; a message posted anew is posted once per run (postOnce). A
 * platform supplies its description (whose reply-target schema checks each target handed to it),
 * its renderer, and how it delivers one message.
 */
export abstract class PlatformNotifier<Target extends ReplyTarget, Message> implements Notifier {
  protected abstract readonly clock: Clock;

  private readonly label: string;

  constructor(
    protected readonly platform: ChatPlatform<Target>,
    protected readonly render: MessageRenderer<Message>,
    /** Where a run's message posted anew is recorded (the ledger); without it, nothing is. */
    private readonly runMessages?: RunMessages,
  ) {
    this.label = platform.label;
  }

  /**
   * Delivers one message of the run `run` (its execution name); returns the id to pass back on the
   * next call (progress updates in place).
   */
  protected abstract deliver(
    target: Target,
    message: Message,
    messageId: string | undefined,
    run: string,
  ): Promise<string | void>;

  /**
   * Posts the run's message anew (`post`, which answers the new message's id), unless a step of
   * this run did so already and its answer was lost (its environment died after the post): then
   * that message is edited instead (`edit`), so a retried step never shows the run twice. A
   * recorded message the platform will not edit (someone deleted it) is posted anew. The new id is
   * recorded as soon as the platform gives it.
   */
  protected async postOnce<Posted extends string | undefined>(
    run: string,
    post: () => Promise<Posted>,
    edit: (messageId: string) => Promise<string>,
  ): Promise<Posted | string> {
    const earlier = await this.recordedMessage(run);
    if (earlier !== undefined)
      try {
        return await edit(earlier);
      } catch (error) {
        if (!(error instanceof NotifyRejectedError)) throw error;
      }
    const posted = await post();
    if (posted !== undefined) await this.runMessages?.record(run, posted);
    return posted;
  }

  /** The message a step of this run posted anew, if one did and a record is kept. */
  protected async recordedMessage(run: string): Promise<string | undefined> {
    return this.runMessages?.recorded(run);
  }

  /** The target in the platform's own shape: validated here, at the adapter's edge. */
  protected narrow(target: ReplyTarget): Target {
    if (target.platform !== this.platform.id)
      throw new Error(`The ${this.label} notifier cannot answer ${target.platform}.`);
    const parsed = this.platform.replyTarget.safeParse(target);
    if (!parsed.success)
      throw new Error(`A ${this.label} reply target is malformed: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data;
  }

  async progress(
    target: ReplyTarget,
    update: ProgressUpdate,
    messageId?: string,
  ): Promise<string | undefined> {
    return (
      (await this.deliver(
        this.narrow(target),
        this.render.progress(update),
        messageId,
        update.executionId,
      )) ?? messageId
    );
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
      (message: Message) => this.deliver(target, message, messageId, video.executionId),
      this.render.finished(video, this.clock.now()),
      () => this.render.reducedFinished(video),
    );
  }

  /** The failure's `reference` is the run's execution name. */
  async failed(target: ReplyTarget, failure: FailureReport, messageId?: string): Promise<void> {
    await this.deliver(this.narrow(target), this.render.failure(failure), messageId, failure.reference);
  }
}
