import { escapeMarkdown } from '@discordjs/formatters';
import type { FailureReport, FinishedVideo, ProgressUpdate } from '../notify/notifier.js';
import type { VideoRequest } from '../request/video-request.js';
import type { Requester } from '../workflow/execution-state.js';
import {
  clip,
  formatElapsed,
  formatLifetime,
  progressBar,
  requestFacts,
  statusWords,
  WORDING,
  type Fact,
} from './wording.js';

/** A Discord message body (webhook edit or channel post). Mentions never parse from content. */
export interface DiscordMessage {
  content: string;
  embeds: Record<string, unknown>[];
  components: Record<string, unknown>[];
  allowed_mentions: { parse: []; users?: string[] };
}

/** `clipbay:reroll:<execution id>`: what a button click carries back (at most 100 characters). */
export function discordRerunId(kind: 'reroll' | 'vertical', executionId: string): string {
  return `clipbay:${kind}:${executionId}`.slice(0, 100);
}

export function parseDiscordRerunId(
  customId: string,
): { kind: 'reroll' | 'vertical'; executionId: string } | undefined {
  const match = /^clipbay:(reroll|vertical):(.+)$/.exec(customId);
  return match ? { kind: match[1] as 'reroll' | 'vertical', executionId: match[2]! } : undefined;
}

const COLOR = { working: 0x5865f2, ready: 0x57f287, failed: 0xed4245 } as const;
const DESCRIPTION_LIMIT = 4000;
/** Discord refuses link buttons with URLs over 512 characters; presigned URLs often are. */
const BUTTON_URL_LIMIT = 512;
const CONTENT_LIMIT = 2000;

function fields(facts: Fact[]): Record<string, unknown>[] {
  return facts.map((f) => ({ name: f.label, value: escapeMarkdown(f.value), inline: true }));
}

function prompt(text: string): string {
  return clip(escapeMarkdown(text), DESCRIPTION_LIMIT);
}

function mentionOnly(requester: Requester): DiscordMessage['allowed_mentions'] {
  // Only the requester may be pinged; @everyone, @here and roles inside a prompt stay inert.
  return /^\d{15,21}$/.test(requester.id) ? { parse: [], users: [requester.id] } : { parse: [] };
}

function who(requester: Requester): string {
  return /^\d{15,21}$/.test(requester.id) ? `<@${requester.id}>` : escapeMarkdown(requester.name);
}

function linkButton(label: string, url: string): Record<string, unknown>[] {
  return url.length <= BUTTON_URL_LIMIT ? [{ type: 2, style: 5, label, url }] : [];
}

export function discordProgressMessage(update: ProgressUpdate): DiscordMessage {
  return {
    content: `${WORDING.making} for ${who(update.requestedBy)}…`,
    embeds: [
      {
        title: `${progressBar(update.progress)} ${statusWords(update.status, update.progress)}`,
        description: prompt(update.request.prompt),
        color: COLOR.working,
        fields: fields([
          ...requestFacts(update.request),
          { label: 'Elapsed', value: formatElapsed(update.elapsedSeconds) },
        ]),
      },
    ],
    components: [],
    allowed_mentions: { parse: [] },
  };
}

export function discordQueuedMessage(request: VideoRequest, requester: Requester): DiscordMessage {
  return {
    content: `${WORDING.queued} for ${who(requester)}…`,
    embeds: [
      {
        title: WORDING.queued,
        description: prompt(request.prompt),
        color: COLOR.working,
        fields: fields(requestFacts(request)),
      },
    ],
    components: [],
    allowed_mentions: { parse: [] },
  };
}

export function discordFinishedMessage(video: FinishedVideo, now: number): DiscordMessage {
  const lifetime = formatLifetime((video.linkExpiresAt - now) / 1000);
  // A bare .mp4 link in the content makes Discord show a player, when it fits.
  const player = video.link.length < CONTENT_LIMIT - 120 ? `\n${video.link}` : '';
  const buttons = [
    ...linkButton(WORDING.watch, video.shareLink),
    ...linkButton(WORDING.download, video.link),
    { type: 2, style: 2, label: WORDING.reroll, custom_id: discordRerunId('reroll', video.executionId) },
    { type: 2, style: 2, label: WORDING.vertical, custom_id: discordRerunId('vertical', video.executionId) },
  ];
  return {
    content: `${WORDING.ready}, ${who(video.requestedBy)}!${player}`,
    embeds: [
      {
        title: WORDING.ready,
        url: video.shareLink,
        description: `${prompt(video.request.prompt)}\n\n[${WORDING.download}](${video.link}) (valid ${lifetime}) · [${WORDING.share}](${video.shareLink})`,
        color: COLOR.ready,
        fields: fields([
          ...requestFacts(video.request),
          { label: 'Time taken', value: formatElapsed(video.elapsedSeconds) },
        ]),
        footer: { text: WORDING.shareNote },
      },
    ],
    components: buttons.length > 0 ? [{ type: 1, components: buttons }] : [],
    allowed_mentions: mentionOnly(video.requestedBy),
  };
}

export function discordFailureMessage(failure: FailureReport): DiscordMessage {
  return {
    content: `${WORDING.failed}, ${who(failure.requestedBy)}.`,
    embeds: [
      {
        title: WORDING.failed,
        description: `${escapeMarkdown(failure.reason)}\n\n${prompt(failure.request.prompt)}`.slice(
          0,
          DESCRIPTION_LIMIT,
        ),
        color: COLOR.failed,
        fields: fields([
          ...requestFacts(failure.request),
          { label: WORDING.reference, value: failure.reference },
        ]),
      },
    ],
    components: [],
    allowed_mentions: mentionOnly(failure.requestedBy),
  };
}
