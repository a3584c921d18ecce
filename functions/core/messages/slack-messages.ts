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

/** Action ids of the buttons clipbay handles. */
export const SLACK_ACTION = { reroll: 'clipbay_reroll' } as const;

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

/** Section text limit is 3,000; prompts are at most 2,000, but stay safe. */
const PROMPT_LIMIT = 2900;

function promptBlock(prompt: string): Record<string, unknown> {
  // plain_text: no mrkdwn, no mentions, no links — the prompt shows exactly as typed.
  return { type: 'section', text: { type: 'plain_text', text: clip(prompt, PROMPT_LIMIT), emoji: false } };
}

function factsBlock(facts: Fact[]): Record<string, unknown> {
  return {
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: facts.map((f) => `*${f.label}:* ${escapeSlack(f.value)}`).join('  ·  ') },
    ],
  };
}

function mention(requester: Requester): string {
  return /^[UW][A-Z0-9]+$/.test(requester.id) ? `<@${requester.id}>` : escapeSlack(requester.name);
}

export function slackQueuedMessage(request: VideoRequest, requester: Requester): SlackMessage {
  return {
    text: `${WORDING.queued}: ${escapeSlack(clip(request.prompt, 150))}`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:clapper: ${mention(requester)} asked for a video · ${WORDING.queued}`,
        },
      },
      promptBlock(request.prompt),
      factsBlock(requestFacts(request)),
    ],
  };
}

export function slackProgressMessage(update: ProgressUpdate): SlackMessage {
  const words = statusWords(update.status, update.progress);
  return {
    text: `${WORDING.making}: ${words}`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:hourglass_flowing_sand: ${WORDING.making} for ${mention(update.requestedBy)} · ${progressBar(update.progress)} ${escapeSlack(words)} · ${formatElapsed(update.elapsedSeconds)}`,
        },
      },
      promptBlock(update.request.prompt),
      factsBlock(requestFacts(update.request)),
    ],
  };
}

export function slackFinishedMessage(video: FinishedVideo, now: number): SlackMessage {
  const lifetime = formatLifetime((video.linkExpiresAt - now) / 1000);
  return {
    text: `${WORDING.ready}: ${escapeSlack(clip(video.request.prompt, 150))} ${video.link}`,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `:movie_camera: ${WORDING.ready}, ${mention(video.requestedBy)}` },
      },
      promptBlock(video.request.prompt),
      factsBlock([
        ...requestFacts(video.request),
        { label: 'Time taken', value: formatElapsed(video.elapsedSeconds) },
      ]),
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: 'clipbay_watch',
            style: 'primary',
            text: { type: 'plain_text', text: WORDING.watch },
            url: video.link,
          },
          {
            type: 'button',
            action_id: 'clipbay_share',
            text: { type: 'plain_text', text: WORDING.share },
            url: video.shareLink,
          },
          {
            type: 'button',
            action_id: SLACK_ACTION.reroll,
            text: { type: 'plain_text', text: WORDING.reroll },
            value: video.executionId,
          },
        ],
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `<${video.link}|${WORDING.download}> (link valid ${lifetime}) · <${video.shareLink}|${WORDING.share}>: ${WORDING.shareNote}`,
          },
        ],
      },
    ],
  };
}

export function slackFailureMessage(failure: FailureReport): SlackMessage {
  return {
    text: `${WORDING.failed}: ${escapeSlack(failure.reason)}`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:warning: ${mention(failure.requestedBy)} ${WORDING.failed.toLowerCase()}.\n${escapeSlack(failure.reason)}`,
        },
      },
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
