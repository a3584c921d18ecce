import type { FailureReport, FinishedVideo, ProgressUpdate } from '../../functions/core/notify/notifier.js';
import type { VideoRequest } from '../../functions/core/request/video-request.js';

/** Prompts that try to ping, format or overflow. */
export const HOSTILE_PROMPT =
  'hey <!channel> and <@U123> look: *bold* _it_ ~x~ `code` & <https://evil.test|click> @everyone @here';
export const LONG_PROMPT = `${'a very long prompt '.repeat(105)}`.slice(0, 2000);

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

export function progress(prompt: string, requestedBy = slackRequester): ProgressUpdate {
  return {
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
    linkExpiresAt: NOW + 604_800_000,
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
