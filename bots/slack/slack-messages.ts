import type { FailureReport, FinishedVideo, ProgressUpdate } from '../../functions/core/notify/notifier.js';
import type { MessageRenderer } from '../../functions/core/notify/platform-notifier.js';
import type { VideoRequest } from '../../functions/core/request/video-request.js';
import type { Requester } from '../../functions/core/chat/requester.js';
import { clip, clipEscapedSlack } from '../../functions/core/messages/fit-text.js';
import {
  formatElapsed,
  progressBar,
  REDUCED_PROMPT_LENGTH,
  requestFacts,
  statusWords,
  validFor,
  WORDING,
  type Fact,
} from '../../functions/core/messages/wording.js';

/** Action ids of the buttons clipbay handles. */
export const SLACK_ACTION = { reroll: 'clipbay_reroll', cancel: 'clipbay_cancel' } as const;

/** A Slack message body: Block Kit plus the plain-text fallback used in notifications. */
export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

/**
 * Slack's three control characters. Escaping them makes `<!channel>`, `<@U123>` and `&` in a
 * prompt render as typed and ping nobody.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Block Kit: any text object 3,000 characters, a button URL 3,000. */
const TEXT_LIMIT = 3000;
/** Fallback `text` quotes this much of the prompt (notifications show it). */
const FALLBACK_PROMPT_LENGTH = 150;
/** The upload's initial_comment quotes this much of the prompt. */
const UPLOAD_COMMENT_LENGTH = 1000;
/** A failure reason (TokenBay's words) gets at most this much of its section. */
const REASON_ROOM = 2000;

function promptBlock(prompt: string): Record<string, unknown> {
  // plain_text: no mrkdwn, no mentions, no links — the prompt shows exactly as typed.
  return { type: 'section', text: { type: 'plain_text', text: clip(prompt, TEXT_LIMIT), emoji: false } };
}

function mrkdwnSection(text: string): Record<string, unknown> {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/** Escaped for mrkdwn, cut after escaping. */
function escaped(text: string, max: number): string {
  return clipEscapedSlack(escapeSlack(text), max);
}

function factsBlock(facts: Fact[]): Record<string, unknown> {
  return {
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: clipEscapedSlack(
          facts.map((f) => `*${f.label}:* ${escapeSlack(f.value)}`).join('  ·  '),
          TEXT_LIMIT,
        ),
      },
    ],
  };
}

function mention(requester: Requester): string {
  return /^[UW][A-Z0-9]+$/.test(requester.id) ? `<@${requester.id}>` : escaped(requester.name, 100);
}

export function slackQueuedMessage(request: VideoRequest, requester: Requester): SlackMessage {
  return {
    text: `${WORDING.queued}: ${escaped(request.prompt, FALLBACK_PROMPT_LENGTH)}`,
    blocks: [
      mrkdwnSection(`:clapper: ${mention(requester)} asked for a video · ${WORDING.queued}`),
      promptBlock(request.prompt),
      factsBlock(requestFacts(request)),
    ],
  };
}

export function slackProgressMessage(update: ProgressUpdate): SlackMessage {
  const words = escaped(statusWords(update.status, update.progress), 200);
  return {
    text: `${WORDING.making}: ${words}`,
    blocks: [
      mrkdwnSection(
        `:hourglass_flowing_sand: ${WORDING.making} for ${mention(update.requestedBy)} · ${progressBar(update.progress)} ${words} · ${formatElapsed(update.elapsedSeconds)}`,
      ),
      promptBlock(update.request.prompt),
      factsBlock(requestFacts(update.request)),
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: SLACK_ACTION.cancel,
            text: { type: 'plain_text', text: WORDING.cancel },
            value: update.executionId,
          },
        ],
      },
    ],
  };
}

/**
 * The clip. Watch and Share link open the share link (`/v/{clipId}` signs afresh on every
 * visit); the presigned download link, with how long it is valid, goes in the note below when
 * it fits there.
 */
export function slackFinishedMessage(video: FinishedVideo, now: number): SlackMessage {
  const download = `<${video.link}|${WORDING.download}> (${validFor((video.linkExpiresAt - now) / 1000)}) · `;
  const note = `${download.length + WORDING.shareNote.length <= TEXT_LIMIT ? download : ''}${WORDING.shareNote}`;
  const linkButtons =
    video.shareLink.length <= TEXT_LIMIT
      ? [
          {
            type: 'button',
            action_id: 'clipbay_watch',
            style: 'primary',
            text: { type: 'plain_text', text: WORDING.watch },
            url: video.shareLink,
          },
          {
            type: 'button',
            action_id: 'clipbay_share',
            text: { type: 'plain_text', text: WORDING.share },
            url: video.shareLink,
          },
        ]
      : [];
  return {
    text: `${WORDING.ready}: ${escaped(video.request.prompt, FALLBACK_PROMPT_LENGTH)} ${video.shareLink}`,
    blocks: [
      mrkdwnSection(`:movie_camera: ${WORDING.ready}, ${mention(video.requestedBy)}`),
      promptBlock(video.request.prompt),
      factsBlock([
        ...requestFacts(video.request),
        { label: 'Time taken', value: formatElapsed(video.elapsedSeconds) },
      ]),
      {
        type: 'actions',
        elements: [
          ...linkButtons,
          {
            type: 'button',
            action_id: SLACK_ACTION.reroll,
            text: { type: 'plain_text', text: WORDING.reroll },
            value: video.executionId,
          },
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: note }] },
    ],
  };
}

/**
 * The comment shown with the uploaded clip: the prompt, escaped so that `<!channel>` or `<@U…>`
 * in it pings nobody. The requester is named in the message above it.
 */
export function slackUploadComment(video: FinishedVideo): string {
  return `:clapper: ${escaped(video.request.prompt.replace(/\s+/g, ' '), UPLOAD_COMMENT_LENGTH)}`;
}

/** Sent once when Slack refused the finished message: a short line and the share link. */
export function slackReducedFinishedMessage(video: FinishedVideo): SlackMessage {
  const quoted = escaped(video.request.prompt.replace(/\s+/g, ' '), REDUCED_PROMPT_LENGTH);
  const text = `:movie_camera: ${WORDING.ready}, ${mention(video.requestedBy)}: “${quoted}” <${video.shareLink}|${WORDING.watch}>`;
  return { text, blocks: [mrkdwnSection(text)] };
}

export function slackFailureMessage(failure: FailureReport): SlackMessage {
  const reason = escaped(failure.reason, REASON_ROOM);
  return {
    text: `${WORDING.failed}: ${reason}`,
    blocks: [
      mrkdwnSection(`:warning: ${mention(failure.requestedBy)} ${WORDING.failed.toLowerCase()}.\n${reason}`),
      promptBlock(failure.request.prompt),
      factsBlock([...requestFacts(failure.request), { label: WORDING.reference, value: failure.reference }]),
    ],
  };
}

/** Help, model lists and usage errors: ephemeral, only the caller sees them. */
export function slackEphemeral(text: string): SlackMessage & { response_type: 'ephemeral' } {
  return {
    response_type: 'ephemeral',
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escapeSlack(text) } }],
  };
}

/** How clipbay's messages look on Slack, for the notifier. */
export const slackRenderer: MessageRenderer<SlackMessage> = {
  progress: slackProgressMessage,
  finished: slackFinishedMessage,
  reducedFinished: slackReducedFinishedMessage,
  failure: slackFailureMessage,
};
