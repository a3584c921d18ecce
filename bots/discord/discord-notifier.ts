import { DiscordAPIError, REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import { systemClock, type Clock } from '../../functions/core/clock.js';
import { NotifyRejectedError } from '../../functions/core/errors.js';
import { discordFinishedWithClipMessage, discordRenderer, type DiscordMessage } from './discord-messages.js';
import { CHAT_TIMEOUT_MS } from '../../functions/core/notify/chat-timeout.js';
import { discordNotifyError } from './discord-errors.js';
import { PlatformNotifier } from '../../functions/core/notify/platform-notifier.js';
import type { RunMessages } from '../../functions/core/notify/run-messages.js';
import {
  linkAfterFailedUpload,
  linkOnly,
  UPLOAD_TIMEOUT_MS,
} from '../../functions/core/notify/inline-upload.js';
import {
  LINK_ONLY_REASON,
  type ClipSource,
  type FinishedDelivery,
  type FinishedVideo,
} from '../../functions/core/notify/notifier.js';
import {
  DISCORD_MAX_UPLOAD_BYTES,
  DiscordWebhookGoneError,
  sendWithAttachment,
} from './discord-clip-upload.js';

import { discordPlatform, type DiscordReplyTarget as DiscordTarget } from './discord-platform.js';

export interface DiscordNotifierOptions {
  /** `https://discord.com/api` or a local stand-in (DISCORD_API_BASE); v10 is appended. */
  apiBase: string;
  /** Lets clipbay post to the channel once the 15-minute interaction token has expired. */
  botToken: string | undefined;
  clock?: Clock;
  /** Each request is aborted after this many ms (default CHAT_TIMEOUT_MS, 5 s). */
  timeoutMs?: number;
  /** A message with the clip attached is aborted after this many ms (default UPLOAD_TIMEOUT_MS). */
  uploadTimeoutMs?: number;
  /** Where the channel message of each run is recorded once posted, so a retried step edits it. */
  runMessages?: RunMessages;
}

/** Prefix of message ids that live in the channel (posted with the bot token), not on the webhook. */
const CHANNEL_MESSAGE = 'channel:';

/** The route of a channel message, from its id as the workflow and the run's record carry it. */
const channelMessageRoute = (target: DiscordTarget, channelMessage: string) =>
  Routes.channelMessage(target.channelId, channelMessage.slice(CHANNEL_MESSAGE.length));

/**
 * Discord adapter: edits the deferred response (`PATCH /webhooks/{app}/{token}/messages/@original`).
 * The interaction token lives 15 minutes; when Discord answers 401/404 for it, the message goes to
 * the channel with the bot token instead, once per run, and later updates edit that channel
 * message. A finished message Discord refuses is sent once more in its reduced form (a line and
 * the share link).
 */
export class DiscordNotifier extends PlatformNotifier<DiscordTarget, DiscordMessage> {
  private readonly webhook: REST;
  private readonly bot: REST | undefined;
  protected readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly uploadTimeoutMs: number;
  private readonly api: string;
  private readonly botToken: string | undefined;

  constructor(options: DiscordNotifierOptions) {
    super(discordPlatform, discordRenderer, options.runMessages);
    this.timeoutMs = options.timeoutMs ?? CHAT_TIMEOUT_MS;
    this.uploadTimeoutMs = options.uploadTimeoutMs ?? UPLOAD_TIMEOUT_MS;
    this.api = `${options.apiBase.replace(/\/+$/, '')}/v10`;
    this.botToken = options.botToken;
    const common = {
      api: options.apiBase.replace(/\/+$/, ''),
      version: '10',
      // The state machine owns retries (NotifyError); the library's own would outlive the step.
      retries: 0,
      // A rate limit throws (RateLimitError) instead of sleeping until it resets.
      rejectOnRateLimit: () => true,
      timeout: this.timeoutMs,
    };
    this.webhook = new REST({ ...common, authPrefix: 'Bot' });
    this.bot = options.botToken ? new REST({ ...common }).setToken(options.botToken) : undefined;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * The finished clip: when it is within the upload limit, the finished message is sent with the
   * MP4 attached (the same edit of `@original`, or the channel post once the interaction token has
   * expired), and Discord plays it in place. A larger clip, or an attachment Discord refuses (413,
   * code 40005) or that fails, gets the link message instead, and the delivery says why.
   */
  protected async finish(
    target: DiscordTarget,
    video: FinishedVideo,
    messageId: string | undefined,
  ): Promise<FinishedDelivery> {
    let delivery: FinishedDelivery;
    if (!video.clip) delivery = linkOnly(LINK_ONLY_REASON.off);
    else if (video.clip.bytes > DISCORD_MAX_UPLOAD_BYTES)
      delivery = linkOnly(
        LINK_ONLY_REASON.tooLarge,
        `The clip is ${video.clip.bytes} bytes; Discord bots may attach ${DISCORD_MAX_UPLOAD_BYTES}.`,
      );
    else {
      try {
        await this.attach(
          target,
          discordFinishedWithClipMessage(video, this.clock.now()),
          video.clip,
          messageId,
          video.executionId,
        );
        return { inline: 'uploaded' };
      } catch (error) {
        delivery = linkAfterFailedUpload(error);
      }
    }
    await this.sendLink(target, video, messageId);
    return delivery;
  }

  /** Edits @original with the clip attached; once the token has expired, posts it with the bot token. */
  private async attach(
    target: DiscordTarget,
    message: DiscordMessage,
    clip: ClipSource,
    messageId: string | undefined,
    run: string,
  ): Promise<void> {
    const signal = AbortSignal.timeout(this.uploadTimeoutMs);
    const send = (method: 'PATCH' | 'POST', path: string, bot: boolean) =>
      sendWithAttachment({
        method,
        url: `${this.api}${path}`,
        ...(bot ? { authorization: `Bot ${this.botToken!}` } : {}),
        message,
        clip,
        signal,
      });
    const editInChannel = async (channelMessage: string) => {
      await send('PATCH', channelMessageRoute(target, channelMessage), true);
      return channelMessage;
    };
    if (messageId?.startsWith(CHANNEL_MESSAGE) && this.botToken) {
      await editInChannel(messageId);
      return;
    }
    try {
      await send(
        'PATCH',
        Routes.webhookMessage(target.applicationId, target.interactionToken, '@original'),
        false,
      );
    } catch (error) {
      if (!(error instanceof DiscordWebhookGoneError) || !this.botToken) throw error;
      await this.postOnce(
        run,
        async () => {
          const posted = await send('POST', Routes.channelMessages(target.channelId), true);
          return posted === undefined ? undefined : `${CHANNEL_MESSAGE}${posted}`;
        },
        editInChannel,
      );
    }
  }

  protected async deliver(
    target: DiscordTarget,
    message: DiscordMessage,
    messageId: string | undefined,
    run: string,
  ): Promise<string> {
    if (messageId?.startsWith(CHANNEL_MESSAGE)) return this.toChannel(target, message, messageId);
    try {
      await this.webhook.patch(
        Routes.webhookMessage(target.applicationId, target.interactionToken, '@original'),
        { body: message, auth: false, signal: this.deadline() },
      );
      return '@original';
    } catch (error) {
      const expired = error instanceof DiscordAPIError && (error.status === 401 || error.status === 404);
      if (!expired) throw discordNotifyError('editing the interaction response', error);
      if (this.bot)
        return this.postOnce(
          run,
          () => this.toChannel(target, message, undefined),
          (channelMessage) => this.toChannel(target, message, channelMessage),
        );
      throw new NotifyRejectedError(
        `The Discord interaction token expired (${error.status}) and no DISCORD_BOT_TOKEN is set, so clipbay cannot post to channel ${target.channelId}.`,
        { status: error.status, code: error.code, cause: error },
      );
    }
  }

  /** Edits the channel message `channelMessage` (`channel:<id>`), or posts a new one; answers its id. */
  private async toChannel(
    target: DiscordTarget,
    message: DiscordMessage,
    channelMessage: string | undefined,
  ): Promise<string> {
    const bot = this.bot!;
    try {
      const posted = (
        channelMessage
          ? await bot.patch(channelMessageRoute(target, channelMessage), {
              body: message,
              signal: this.deadline(),
            })
          : await bot.post(Routes.channelMessages(target.channelId), {
              body: message,
              signal: this.deadline(),
            })
      ) as { id: string };
      return `${CHANNEL_MESSAGE}${posted.id}`;
    } catch (error) {
      throw discordNotifyError(`posting to channel ${target.channelId}`, error);
    }
  }

  /** Covers the whole request, body included (the library's `timeout` stops at the headers). */
  private deadline(): AbortSignal {
    return AbortSignal.timeout(this.timeoutMs);
  }
}
