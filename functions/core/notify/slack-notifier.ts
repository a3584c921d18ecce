import { WebClient } from '@slack/web-api';
import { systemClock, type Clock } from '../clock.js';
import { NotifyError } from '../errors.js';
import {
  slackFailureMessage,
  slackFinishedMessage,
  slackProgressMessage,
  type SlackMessage,
} from '../messages/slack-messages.js';
import type { ReplyTarget } from '../workflow/execution-state.js';
import type { FailureReport, FinishedVideo, Notifier, ProgressUpdate } from './notifier.js';

type SlackTarget = Extract<ReplyTarget, { platform: 'slack' }>;

export interface SlackNotifierOptions {
  /** `https://slack.com/api/` or a local stand-in (SLACK_API_URL). */
  apiUrl: string;
  /** With a bot token, progress is one channel message updated with chat.update. */
  botToken: string | undefined;
  fetch?: typeof fetch;
  clock?: Clock;
}

/**
 * Slack adapter. With `SLACK_BOT_TOKEN`: chat.postMessage once, then chat.update in place.
 * Without: the command's `response_url`, which allows 5 posts in 30 minutes — so progress is
 * only posted at milestones (queued → started → half way), leaving room for the final message.
 * When the response_url is gone (404, expired) and a bot token exists, it posts to the channel.
 */
export class SlackNotifier implements Notifier {
  private readonly web: WebClient | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly clock: Clock;

  constructor(options: SlackNotifierOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.clock = options.clock ?? systemClock;
    this.web = options.botToken
      ? new WebClient(options.botToken, {
          slackApiUrl: options.apiUrl,
          // The state machine owns retries (NotifyError); the SDK's own would outlive the step.
          retryConfig: { retries: 0 },
          rejectRateLimitedCalls: true,
          timeout: 10_000,
        })
      : undefined;
  }

  async progress(
    target: ReplyTarget,
    update: ProgressUpdate,
    messageId?: string,
  ): Promise<string | undefined> {
    const slack = asSlack(target);
    const message = slackProgressMessage(update);
    if (this.web) return this.upsert(slack, message, messageId);
    // A re-run must not replace the finished clip it was started from; without a bot token it
    // would take a new message per update, so it shows only its result.
    if (slack.keepOriginal) return undefined;
    if (update.previous && milestone(update.previous) === milestone(update)) return undefined;
    await this.respond(slack, message);
    return undefined;
  }

  async finished(target: ReplyTarget, video: FinishedVideo, messageId?: string): Promise<void> {
    await this.deliver(asSlack(target), slackFinishedMessage(video, this.clock.now()), messageId);
  }

  async failed(target: ReplyTarget, failure: FailureReport, messageId?: string): Promise<void> {
    await this.deliver(asSlack(target), slackFailureMessage(failure), messageId);
  }

  /** Final messages: update the progress message, else the response_url, else a new channel post. */
  private async deliver(
    target: SlackTarget,
    message: SlackMessage,
    messageId: string | undefined,
  ): Promise<void> {
    if (this.web && messageId) {
      await this.upsert(target, message, messageId);
      return;
    }
    try {
      await this.respond(target, message);
    } catch (error) {
      if (!this.web || !(error instanceof ResponseUrlGoneError)) throw error;
      await this.upsert(target, message, undefined);
    }
  }

  private async upsert(target: SlackTarget, message: SlackMessage, ts: string | undefined): Promise<string> {
    const web = this.web!;
    try {
      const result = ts
        ? await web.chat.update({ channel: target.channelId, ts, ...message })
        : await web.chat.postMessage({ channel: target.channelId, ...message, unfurl_links: false });
      if (!result.ts) throw new NotifyError('Slack did not return the message timestamp.');
      return result.ts;
    } catch (error) {
      if (error instanceof NotifyError) throw error;
      throw new NotifyError(
        `Slack ${ts ? 'chat.update' : 'chat.postMessage'} failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  private async respond(target: SlackTarget, message: SlackMessage): Promise<void> {
    let response: Response;
    try {
      response = await this.fetchImpl(target.responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          response_type: 'in_channel',
          replace_original: !target.keepOriginal,
          ...message,
        }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new NotifyError(`Slack response_url could not be reached: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (response.status === 404 || response.status === 410)
      throw new ResponseUrlGoneError(`Slack response_url is no longer valid (${response.status}).`);
    if (!response.ok) throw new NotifyError(`Slack response_url answered ${response.status}.`);
  }
}

/** The response_url expired or was used up: only the bot token can still reach the channel. */
class ResponseUrlGoneError extends NotifyError {}

function asSlack(target: ReplyTarget): SlackTarget {
  if (target.platform !== 'slack') throw new Error(`SlackNotifier cannot answer ${target.platform}`);
  return target;
}

/** 0: queued, 1: started, 2: half way. At most three progress posts through a response_url. */
function milestone(state: { progress: number; status: string }): number {
  if (state.status !== 'IN_PROGRESS') return 0;
  return state.progress >= 50 ? 2 : 1;
}
