import { WebClient } from '@slack/web-api';
import { systemClock, type Clock } from '../../functions/core/clock.js';
import { NotifyError, NotifyRejectedError } from '../../functions/core/errors.js';
import { slackRenderer, type SlackMessage } from './slack-messages.js';
import type { ReplyTarget } from '../../functions/core/chat/reply-target.js';
import { CHAT_TIMEOUT_MS } from '../../functions/core/notify/chat-timeout.js';
import {
  LINK_ONLY_REASON,
  type FinishedDelivery,
  type FinishedVideo,
  type ProgressUpdate,
} from '../../functions/core/notify/notifier.js';
import { PlatformNotifier } from '../../functions/core/notify/platform-notifier.js';
import type { RunMessages } from '../../functions/core/notify/run-messages.js';
import {
  linkAfterFailedUpload,
  linkOnly,
  UPLOAD_TIMEOUT_MS,
} from '../../functions/core/notify/inline-upload.js';
import { SlackBotNotInChannelError, slackNotifyError } from './slack-errors.js';
import { postToResponseUrl, ResponseUrlGoneError } from './response-url.js';
import { uploadClipToSlack } from './slack-clip-upload.js';
import { slackUploadComment } from './slack-messages.js';

import { slackPlatform, type SlackReplyTarget as SlackTarget } from './slack-platform.js';

export interface SlackNotifierOptions {
  /** `https://slack.com/api/` or a local stand-in (SLACK_API_URL). */
  apiUrl: string;
  /** With a bot token, progress is one channel message updated with chat.update. */
  botToken: string | undefined;
  /** For the response_url. */
  fetch?: typeof fetch;
  clock?: Clock;
  /** Each request is aborted after this many ms (default CHAT_TIMEOUT_MS, 5 s). */
  timeoutMs?: number;
  /** The clip's upload as a whole is aborted after this many ms (default UPLOAD_TIMEOUT_MS). */
  uploadTimeoutMs?: number;
  /** Where the bot's message of each run is recorded once posted, so a retried step edits it. */
  runMessages?: RunMessages;
}

/**
 * The message id handed back when the bot token cannot post in the channel (`not_in_channel`,
 * `channel_not_found`: a private channel or DM it was not invited to). The workflow passes it back
 * on every later call, so the rest of the execution answers through the response_url only.
 */
export const RESPONSE_URL_ONLY = 'response_url';

/**
 * Slack adapter. With `SLACK_BOT_TOKEN`: chat.postMessage once per run (recorded on the run's
 * ledger row, so a retried step updates it), then chat.update in place; a final message that
 * names no message updates the recorded one.
 * Without, or where the bot may not post: the command's `response_url`, which allows 5 posts in
 * 30 minutes — so progress is only posted at milestones (queued → started → half way), leaving
 * room for the final message. When the response_url is gone (404, expired) and a bot token
 * exists, the final message is posted to the channel. A finished message Slack refuses is sent
 * once more in its reduced form (a line and the share link).
 */
export class SlackNotifier extends PlatformNotifier<SlackTarget, SlackMessage> {
  private readonly web: WebClient | undefined;
  private readonly fetchImpl: typeof fetch;
  protected readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly uploadTimeoutMs: number;

  constructor(options: SlackNotifierOptions) {
    super(slackPlatform, slackRenderer, options.runMessages);
    this.fetchImpl = options.fetch ?? fetch;
    this.clock = options.clock ?? systemClock;
    this.timeoutMs = options.timeoutMs ?? CHAT_TIMEOUT_MS;
    this.uploadTimeoutMs = options.uploadTimeoutMs ?? UPLOAD_TIMEOUT_MS;
    this.web = options.botToken
      ? new WebClient(options.botToken, {
          slackApiUrl: options.apiUrl,
          // The state machine owns retries (NotifyError); the SDK's own would outlive the step,
          // and so would waiting out a rate limit.
          retryConfig: { retries: 0 },
          rejectRateLimitedCalls: true,
          timeout: this.timeoutMs,
        })
      : undefined;
  }

  override async progress(
    target: ReplyTarget,
    update: ProgressUpdate,
    messageId?: string,
  ): Promise<string | undefined> {
    const slack = this.narrow(target);
    const message = this.render.progress(update);
    if (!this.web || messageId === RESPONSE_URL_ONLY) {
      await this.respondWithProgress(slack, update, message);
      return messageId;
    }
    try {
      return await this.upsert(slack, message, messageId, update.executionId);
    } catch (error) {
      if (!(error instanceof SlackBotNotInChannelError)) throw error;
    }
    await this.respondWithProgress(slack, update, message);
    return RESPONSE_URL_ONLY;
  }

  /**
   * The finished clip: the Block Kit message (Watch, Share link, Re-roll) replaces the progress
   * message as before, then the clip is uploaded right below it, where Slack plays it. Whatever
   * stops the upload (no bot token, the bot not in the channel, no files:write, too big, a failed
   * upload) leaves the link message as the answer, and the delivery says why. A failed upload is
   * never retried: the message is already there, and a retried step would post it twice.
   */
  protected async finish(
    target: SlackTarget,
    video: FinishedVideo,
    messageId: string | undefined,
  ): Promise<FinishedDelivery> {
    await this.sendLink(target, video, messageId);
    if (!video.clip) return linkOnly(LINK_ONLY_REASON.off);
    if (!this.web)
      return linkOnly(
        LINK_ONLY_REASON.noBotToken,
        'Without SLACK_BOT_TOKEN, the response_url cannot upload.',
      );
    if (messageId === RESPONSE_URL_ONLY)
      return linkOnly(LINK_ONLY_REASON.notInChannel, `The bot is not in channel ${target.channelId}.`);
    try {
      await uploadClipToSlack({
        web: this.web,
        channelId: target.channelId,
        clip: video.clip,
        initialComment: slackUploadComment(video),
        timeoutMs: this.uploadTimeoutMs,
      });
      return { inline: 'uploaded' };
    } catch (error) {
      return linkAfterFailedUpload(error);
    }
  }

  /**
   * Final messages: update the run's message (the one the workflow names, else the one a step
   * posted and recorded), else the response_url, else a new channel post. A recorded message
   * Slack will not update (deleted since) leaves the answer to the response_url, as if none was.
   */
  protected async deliver(
    target: SlackTarget,
    message: SlackMessage,
    messageId: string | undefined,
    run: string,
  ): Promise<void> {
    const botMayPost = this.web !== undefined && messageId !== RESPONSE_URL_ONLY;
    if (botMayPost && messageId) {
      try {
        await this.upsert(target, message, messageId, run);
        return;
      } catch (error) {
        if (!(error instanceof SlackBotNotInChannelError)) throw error;
      }
      await postToResponseUrl(this.fetchImpl, target, message, this.timeoutMs);
      return;
    }
    const recorded = botMayPost ? await this.recordedMessage(run) : undefined;
    if (recorded)
      try {
        await this.upsert(target, message, recorded, run);
        return;
      } catch (error) {
        // Not updated (deleted since, or the bot left): answered as a run with none would be.
        if (!(error instanceof NotifyRejectedError)) throw error;
      }
    try {
      await postToResponseUrl(this.fetchImpl, target, message, this.timeoutMs);
    } catch (error) {
      if (!botMayPost || !(error instanceof ResponseUrlGoneError)) throw error;
      await this.upsert(target, message, undefined, run);
    }
  }

  /** Progress through the response_url: milestones only, and never over a re-run's original. */
  private async respondWithProgress(
    target: SlackTarget,
    update: ProgressUpdate,
    message: SlackMessage,
  ): Promise<void> {
    // A re-run must not replace the finished clip it was started from; through the response_url
    // it would take a new message per update, so it shows only its result.
    if (target.keepOriginal) return;
    if (update.previous && milestone(update.previous) === milestone(update)) return;
    await postToResponseUrl(this.fetchImpl, target, message, this.timeoutMs);
  }

  /** chat.update of the message `ts`; without one, chat.postMessage, once per run (postOnce). */
  private async upsert(
    target: SlackTarget,
    message: SlackMessage,
    ts: string | undefined,
    run: string,
  ): Promise<string> {
    const web = this.web!;
    const call = async (method: 'chat.update' | 'chat.postMessage', send: () => Promise<{ ts?: string }>) => {
      let posted: string | undefined;
      try {
        posted = (await send()).ts;
      } catch (error) {
        throw slackNotifyError(method, target.channelId, error);
      }
      if (!posted) throw new NotifyError(`Slack ${method} did not return the message timestamp.`);
      return posted;
    };
    const update = (existing: string) =>
      call('chat.update', () => web.chat.update({ channel: target.channelId, ts: existing, ...message }));
    if (ts) return update(ts);
    return this.postOnce(
      run,
      () =>
        call('chat.postMessage', () =>
          web.chat.postMessage({ channel: target.channelId, ...message, unfurl_links: false }),
        ),
      update,
    );
  }
}

/** 0: queued, 1: started, 2: half way. At most three progress posts through a response_url. */
function milestone(state: { progress: number; status: string }): number {
  if (state.status !== 'IN_PROGRESS') return 0;
  return state.progress >= 50 ? 2 : 1;
}
