import { DiscordAPIError, REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import { systemClock, type Clock } from '../clock.js';
import { NotifyError } from '../errors.js';
import {
  discordFailureMessage,
  discordFinishedMessage,
  discordProgressMessage,
  type DiscordMessage,
} from '../messages/discord-messages.js';
import type { ReplyTarget } from '../workflow/execution-state.js';
import type { FailureReport, FinishedVideo, Notifier, ProgressUpdate } from './notifier.js';

type DiscordTarget = Extract<ReplyTarget, { platform: 'discord' }>;

export interface DiscordNotifierOptions {
  /** `https://discord.com/api` or a local stand-in (DISCORD_API_BASE); v10 is appended. */
  apiBase: string;
  /** Lets clipbay post to the channel once the 15-minute interaction token has expired. */
  botToken: string | undefined;
  clock?: Clock;
}

/** Prefix of message ids that live in the channel (posted with the bot token), not on the webhook. */
const CHANNEL_MESSAGE = 'channel:';

/**
 * Discord adapter: edits the deferred response (`PATCH /webhooks/{app}/{token}/messages/@original`).
 * The interaction token lives 15 minutes; when Discord answers 401/404 for it, the message goes to
 * the channel with the bot token instead, and later updates edit that channel message.
 */
export class DiscordNotifier implements Notifier {
  private readonly webhook: REST;
  private readonly bot: REST | undefined;
  private readonly clock: Clock;

  constructor(options: DiscordNotifierOptions) {
    const common = { api: options.apiBase.replace(/\/+$/, ''), version: '10', retries: 0, timeout: 10_000 };
    this.webhook = new REST({ ...common, authPrefix: 'Bot' });
    this.bot = options.botToken ? new REST({ ...common }).setToken(options.botToken) : undefined;
    this.clock = options.clock ?? systemClock;
  }

  async progress(
    target: ReplyTarget,
    update: ProgressUpdate,
    messageId?: string,
  ): Promise<string | undefined> {
    return this.deliver(asDiscord(target), discordProgressMessage(update), messageId);
  }

  async finished(target: ReplyTarget, video: FinishedVideo, messageId?: string): Promise<void> {
    await this.deliver(asDiscord(target), discordFinishedMessage(video, this.clock.now()), messageId);
  }

  async failed(target: ReplyTarget, failure: FailureReport, messageId?: string): Promise<void> {
    await this.deliver(asDiscord(target), discordFailureMessage(failure), messageId);
  }

  private async deliver(
    target: DiscordTarget,
    message: DiscordMessage,
    messageId: string | undefined,
  ): Promise<string> {
    if (messageId?.startsWith(CHANNEL_MESSAGE))
      return this.toChannel(target, message, messageId.slice(CHANNEL_MESSAGE.length));
    try {
      await this.webhook.patch(
        Routes.webhookMessage(target.applicationId, target.interactionToken, '@original'),
        {
          body: message,
          auth: false,
        },
      );
      return '@original';
    } catch (error) {
      const expired = error instanceof DiscordAPIError && (error.status === 401 || error.status === 404);
      if (expired && this.bot) return this.toChannel(target, message, undefined);
      throw notifyError('editing the interaction response', error);
    }
  }

  private async toChannel(
    target: DiscordTarget,
    message: DiscordMessage,
    channelMessageId: string | undefined,
  ): Promise<string> {
    if (!this.bot)
      throw new NotifyError('The Discord interaction token expired and no DISCORD_BOT_TOKEN is set.');
    try {
      const posted = (
        channelMessageId
          ? await this.bot.patch(Routes.channelMessage(target.channelId, channelMessageId), { body: message })
          : await this.bot.post(Routes.channelMessages(target.channelId), { body: message })
      ) as { id: string };
      return `${CHANNEL_MESSAGE}${posted.id}`;
    } catch (error) {
      throw notifyError('posting to the channel', error);
    }
  }
}

function notifyError(what: string, error: unknown): NotifyError {
  const status = error instanceof DiscordAPIError ? ` (${error.status})` : '';
  return new NotifyError(`Discord ${what} failed${status}: ${(error as Error).message}`, { cause: error });
}

function asDiscord(target: ReplyTarget): DiscordTarget {
  if (target.platform !== 'discord') throw new Error(`DiscordNotifier cannot answer ${target.platform}`);
  return target;
}
