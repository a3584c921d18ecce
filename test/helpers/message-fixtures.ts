import type { ReplyTarget } from '../../functions/core/chat/reply-target.js';
import type { FailureReport, FinishedVideo, ProgressUpdate } from '../../functions/core/notify/notifier.js';
import type { VideoRequest } from '../../functions/core/request/video-request.js';
import type { Task } from '../../functions/core/tokenbay/task.js';

/** Prompts that try to ping, format or overflow. */
export const HOSTILE_PROMPT =
  'hey <!channel> and <@U123> look: *bold* _it_ ~x~ `code` & <https://evil.test|click> @everyone @here';
export const LONG_PROMPT = `${'a very long prompt '.repeat(105)}`.slice(0, 2000);
/** 2,000 characters that escaped markdown doubles: 4,000 after escaping. */
export const MARKDOWN_PROMPT = '*_~~'.repeat(500);

/** What a link signed in Lambda lives: one assumed hour of session, minus the 60 s margin. */
export const LAMBDA_LINK_SECONDS = 3540;

/**
 * A presigned GET as signed in Lambda, `length` characters long: the session token
 * (X-Amz-Security-Token, ~1,100 characters before URL-encoding) makes it about 1,900.
 */
export function presignedUrl(length = 1900): string {
  const head =
    'https://clipbay-videos-123456789012-eu-west-1.s3.eu-west-1.amazonaws.com/clips/AbCdEfGhIjKlMnOpQrStUv.mp4' +
    '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD' +
    '&X-Amz-Credential=LOCALFAKEKEYEXAMPL12%2F20261125%2Feu-west-1%2Fs3%2Faws4_request' +
    '&X-Amz-Date=20261125T120000Z&X-Amz-Expires=3540&X-Amz-Security-Token=';
  const tail = `&X-Amz-Signature=${'ab12'.repeat(16)}&X-Amz-SignedHeaders=host&x-id=GetObject`;
  // Plainly fake, URL-encoded like a real session token (its %2F and %2B count toward the length).
  const token = 'FAKE%2FLOCAL%2BSESSION%2FTOKEN%3DNOT%2BA%2BREAL%2BKEY0000'.repeat(100);
  return `${head}${token.slice(0, length - head.length - tail.length)}${tail}`;
}

export const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

export function request(prompt: string): VideoRequest {
  return {
    prompt,
    model: 'veo-3.1-generate-preview',
    family: 'veo',
    duration: 8,
    resolution: '720p',
    ratio: '16:9',
    seed: 42,
    images: [],
    references: [],
  };
}

export const slackRequester = { id: 'U0ASKER', name: 'ana' };
export const discordRequester = { id: '123456789012345678', name: 'Ana' };

/** A Discord command's reply target: its interaction token (for `@original`) and its channel. */
export function discordTarget(interactionToken = 'tok-abc'): ReplyTarget {
  return {
    platform: 'discord',
    applicationId: '100000000000000001',
    interactionToken,
    channelId: '200000000000000002',
  };
}

export function progress(prompt: string, requestedBy = slackRequester): ProgressUpdate {
  return {
    executionId: 'exec-progress',
    request: request(prompt),
    requestedBy,
    progress: 35,
    status: 'IN_PROGRESS',
    elapsedSeconds: 47,
    previous: undefined,
  };
}

export function finished(prompt: string, requestedBy = slackRequester): FinishedVideo {
  return {
    executionId: '13345224609.738474920.8088930838d88f008e0',
    request: request(prompt),
    requestedBy,
    link: 'https://clipbay-videos.s3.amazonaws.com/clips/AbCdEfGhIjKlMnOpQrStUv.mp4?X-Amz-Signature=redacted',
    linkExpiresAt: NOW + LAMBDA_LINK_SECONDS * 1000,
    shareLink: 'https://abc.execute-api.eu-west-1.amazonaws.com/v/AbCdEfGhIjKlMnOpQrStUv',
    bytes: 41_977,
    elapsedSeconds: 102,
  };
}

export function failure(prompt: string, requestedBy = slackRequester): FailureReport {
  return {
    request: request(prompt),
    requestedBy,
    kind: 'failed',
    reason: 'TokenBay could not make the video: flagged <b> & "unsafe"',
    reference: '13345224609.738474920.8088930838d88f008e0',
  };
}

/** A TokenBay task as the client parses it: task-1, generating, 40 %, nothing else known; `fields` override. */
export function runningTask(fields: Partial<Task> = {}): Task {
  return {
    id: 'task-1',
    status: 'IN_PROGRESS',
    rawStatus: 'IN_PROGRESS',
    progress: 40,
    action: 'generate',
    model: undefined,
    resultUrl: undefined,
    failReason: undefined,
    error: undefined,
    quota: undefined,
    times: {
      createdAt: undefined,
      submittedAt: undefined,
      startedAt: undefined,
      finishedAt: undefined,
      updatedAt: undefined,
    },
    ...fields,
  };
}
