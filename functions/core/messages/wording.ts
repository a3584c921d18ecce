import type { VideoRequest } from '../request/video-request.js';

/**
 * The words clipbay says, shared by the Slack and Discord renderers so both platforms read the
 * same. Renderers add only the platform's formatting and escaping.
 */
export interface Fact {
  label: string;
  value: string;
}

export function requestFacts(request: VideoRequest): Fact[] {
  return [
    { label: 'Model', value: request.model },
    { label: 'Duration', value: `${request.duration} s` },
    { label: 'Resolution', value: request.resolution },
    { label: 'Ratio', value: request.ratio },
    ...(request.seed === undefined ? [] : [{ label: 'Seed', value: String(request.seed) }]),
  ];
}

/** 102 → "1:42". */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** How long a link lives, in words, rounded down: "7 days", "11 hours", "59 minutes". */
export function formatLifetime(seconds: number): string {
  if (seconds >= 2 * 86_400) return `${Math.floor(seconds / 86_400)} days`;
  if (seconds >= 2 * 3600) return `${Math.floor(seconds / 3600)} hours`;
  const minutes = Math.max(1, Math.floor(seconds / 60));
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** "valid for 59 minutes": the true lifetime of the presigned download link, as posted. */
export function validFor(seconds: number): string {
  return `valid for ${formatLifetime(seconds)}`;
}

export function progressBar(progress: number, width = 10): string {
  const filled = Math.round((Math.min(100, Math.max(0, progress)) / 100) * width);
  return '▰'.repeat(filled) + '▱'.repeat(width - filled);
}

export const WORDING = {
  queued: 'Queued',
  making: 'Making your video',
  ready: 'Your video is ready',
  cancel: 'Cancel',
  failed: 'The video could not be made',
  watch: 'Watch',
  share: 'Share link',
  download: 'Download MP4',
  reference: 'Reference',
  reroll: 'Re-roll',
  vertical: 'Vertical',
  /** Watch and Share link open `/v/{clipId}`, which signs a fresh link on every visit. */
  shareNote: 'Watch and the share link keep working after the download link expires.',
} as const;

export function statusWords(status: string, progress: number): string {
  if (status === 'QUEUED' || status === 'SUBMITTED') return 'queued at TokenBay';
  if (status === 'IN_PROGRESS') return `${progress}% done`;
  return status.toLowerCase().replace(/_/g, ' ');
}

/** How much of the prompt the reduced final message keeps (sent when chat refused the full one). */
export const REDUCED_PROMPT_LENGTH = 120;
