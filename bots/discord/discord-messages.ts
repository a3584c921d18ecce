import { escapeMarkdown } from '@discordjs/formatters';
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIAllowedMentions,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIEmbedField,
  type RESTPatchAPIWebhookWithTokenMessageJSONBody,
} from 'discord-api-types/v10';
import type { FailureReport, FinishedVideo, ProgressUpdate } from '../../functions/core/notify/notifier.js';
import type { MessageRenderer } from '../../functions/core/notify/platform-notifier.js';
import type { Requester } from '../../functions/core/chat/requester.js';
import { DISCORD_LIMITS as LIMIT } from './discord-limits.js';
import { clip, clipEscapedMarkdown } from '../../functions/core/messages/fit-text.js';
import * as wording from '../../functions/core/messages/wording.js';

/** A Discord message body (webhook edit or channel post). Mentions never parse from content. */
export interface DiscordMessage extends RESTPatchAPIWebhookWithTokenMessageJSONBody {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
  allowed_mentions: APIAllowedMentions;
}

/** What a button under a message does: re-run the clip, or cancel the run in progress. */
export type DiscordButtonKind = 'reroll' | 'vertical' | 'cancel';

/** `clipbay:reroll:<execution id>`: what a button click carries back (at most 100 characters). */
export function discordRerunId(kind: DiscordButtonKind, executionId: string): string {
  return `clipbay:${kind}:${executionId}`.slice(0, 100);
}

export function parseDiscordRerunId(
  customId: string,
): { kind: DiscordButtonKind; executionId: string } | undefined {
  const match = /^clipbay:(reroll|vertical|cancel):(.+)$/.exec(customId);
  return match ? { kind: match[1] as DiscordButtonKind, executionId: match[2]! } : undefined;
}

const COLOR = { working: 0x5865f2, ready: 0x57f287, failed: 0xed4245 } as const;
/** The finished message drops the presigned URL rather than leave the prompt less than this. */
const MIN_PROMPT_ROOM = 1000;
/** A failure reason (TokenBay's words) gets at most this much of the description. */
const REASON_ROOM = 1500;

function fields(facts: wording.Fact[]): APIEmbedField[] {
  return facts.slice(0, LIMIT.fields).map((f) => ({
    name: clip(f.label, LIMIT.fieldName),
    value: clipEscapedMarkdown(escapeMarkdown(f.value), LIMIT.fieldValue),
    inline: true,
  }));
}

/** The prompt as typed (markdown escaped), cut after escaping to `room` characters. */
function prompt(text: string, room: number = LIMIT.embedDescription): string {
  return clipEscapedMarkdown(escapeMarkdown(text), room);
}

function mentionOnly(requester: Requester): DiscordMessage['allowed_mentions'] {
  // Only the requester may be pinged; @everyone, @here and roles inside a prompt stay inert.
  return /^\d{15,21}$/.test(requester.id) ? { parse: [], users: [requester.id] } : { parse: [] };
}

function who(requester: Requester): string {
  return /^\d{15,21}$/.test(requester.id)
    ? `<@${requester.id}>`
    : clipEscapedMarkdown(escapeMarkdown(requester.name), 100);
}

/** Link buttons only for URLs Discord accepts there; presigned URLs are usually too long. */
function linkButton(label: string, url: string): APIButtonComponent[] {
  return url.length <= LIMIT.buttonUrl
    ? [{ type: ComponentType.Button, style: ButtonStyle.Link, label, url }]
    : [];
}

export function discordProgressMessage(update: ProgressUpdate): DiscordMessage {
  return {
    content: `${wording.WORDING.making} for ${who(update.requestedBy)}…`,
    embeds: [
      {
        title: clip(
          `${wording.progressBar(update.progress)} ${wording.statusWords(update.status, update.progress)}`,
          LIMIT.embedTitle,
        ),
        description: prompt(update.request.prompt),
        color: COLOR.working,
        fields: fields([
          ...wording.requestFacts(update.request),
          { label: 'Elapsed', value: wording.formatElapsed(update.elapsedSeconds) },
        ]),
      },
    ],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Danger,
            label: wording.WORDING.cancel,
            custom_id: discordRerunId('cancel', update.executionId),
          },
        ],
      },
    ],
    allowed_mentions: { parse: [] },
  };
}

/**
 * The clip. Buttons carry only the share link (`/v/{clipId}` signs afresh on every visit); the
 * presigned download link, with how long it is valid, goes where it fits: the content (where a
 * bare .mp4 link makes Discord show a player) and the description.
 */
export function discordFinishedMessage(video: FinishedVideo, now: number): DiscordMessage {
  const greeting = finishedGreeting(video);
  const player = `\n${video.link}`;
  const share = `[${wording.WORDING.share}](${video.shareLink})`;
  const withDownload = `[${wording.WORDING.download}](${video.link}) (${wording.validFor((video.linkExpiresAt - now) / 1000)}) · ${share}`;
  const links = withDownload.length + 2 + MIN_PROMPT_ROOM <= LIMIT.embedDescription ? withDownload : share;
  const buttons: APIButtonComponent[] = [
    ...linkButton(wording.WORDING.watch, video.shareLink),
    {
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: wording.WORDING.reroll,
      custom_id: discordRerunId('reroll', video.executionId),
    },
    {
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: wording.WORDING.vertical,
      custom_id: discordRerunId('vertical', video.executionId),
    },
  ];
  return {
    content: greeting.length + player.length <= LIMIT.content ? `${greeting}${player}` : greeting,
    embeds: [
      {
        title: wording.WORDING.ready,
        url: video.shareLink,
        description: `${prompt(video.request.prompt, LIMIT.embedDescription - links.length - 2)}\n\n${links}`,
        color: COLOR.ready,
        fields: fields([
          ...wording.requestFacts(video.request),
          { label: 'Time taken', value: wording.formatElapsed(video.elapsedSeconds) },
        ]),
        footer: { text: wording.WORDING.shareNote },
      },
    ],
    components: [{ type: ComponentType.ActionRow, components: buttons }],
    allowed_mentions: mentionOnly(video.requestedBy),
  };
}

function finishedGreeting(video: FinishedVideo): string {
  return `${wording.WORDING.ready}, ${who(video.requestedBy)}!`;
}

/**
 * The finished message that carries the clip as an attachment, which Discord plays in place: the
 * same embed and buttons, and no raw link in the content (the attachment is the player).
 */
export function discordFinishedWithClipMessage(video: FinishedVideo, now: number): DiscordMessage {
  return { ...discordFinishedMessage(video, now), content: finishedGreeting(video) };
}

/** Sent once when Discord refused the finished message: a short line and the share link. */
export function discordReducedFinishedMessage(video: FinishedVideo): DiscordMessage {
  const quoted = prompt(video.request.prompt.replace(/\s+/g, ' '), wording.REDUCED_PROMPT_LENGTH);
  return {
    content: `${wording.WORDING.ready}, ${who(video.requestedBy)}! “${quoted}”\n${wording.WORDING.watch}: ${video.shareLink}`,
    embeds: [],
    components: [],
    allowed_mentions: mentionOnly(video.requestedBy),
  };
}

export function discordFailureMessage(failure: FailureReport): DiscordMessage {
  const reason = clipEscapedMarkdown(escapeMarkdown(failure.reason), REASON_ROOM);
  return {
    content: `${wording.WORDING.failed}, ${who(failure.requestedBy)}.`,
    embeds: [
      {
        title: wording.WORDING.failed,
        description: `${reason}\n\n${prompt(failure.request.prompt, LIMIT.embedDescription - reason.length - 2)}`,
        color: COLOR.failed,
        fields: fields([
          ...wording.requestFacts(failure.request),
          { label: wording.WORDING.reference, value: failure.reference },
        ]),
      },
    ],
    components: [],
    allowed_mentions: mentionOnly(failure.requestedBy),
  };
}

/** How clipbay's messages look on Discord, for the notifier. */
export const discordRenderer: MessageRenderer<DiscordMessage> = {
  progress: discordProgressMessage,
  finished: discordFinishedMessage,
  reducedFinished: discordReducedFinishedMessage,
  failure: discordFailureMessage,
};
