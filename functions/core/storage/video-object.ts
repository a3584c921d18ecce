import type { VideoRequest } from '../request/video-request.js';
import type { Requester } from '../chat/requester.js';

/** Clip ids are 22 url-safe characters (128 random bits): unguessable, and safe in a key or URL. */
export const CLIP_ID = /^[A-Za-z0-9_-]{22}$/;

export function videoKey(clipId: string): string {
  if (!CLIP_ID.test(clipId)) throw new Error(`Not a clip id: ${clipId.slice(0, 40)}`);
  return `clips/${clipId}.mp4`;
}

/** `a corgi surfing at sunset!` → `a-corgi-surfing-at-sunset.mp4` (ASCII, at most 60 characters). */
export function downloadFilename(prompt: string): string {
  const slug = prompt
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return `${slug || 'clipbay-video'}.mp4`;
}

/** Object headers: plays inline in a browser, saves under a name made from the prompt. */
export function videoObjectHeaders(
  request: VideoRequest,
  taskId: string,
  requestedBy: Requester,
): { ContentType: string; ContentDisposition: string; Metadata: Record<string, string> } {
  return {
    ContentType: 'video/mp4',
    ContentDisposition: `inline; filename="${downloadFilename(request.prompt)}"`,
    // S3 metadata must be US-ASCII: ids only, never the free-text prompt or a display name.
    Metadata: { 'task-id': taskId, model: request.model, 'requester-id': asciiOnly(requestedBy.id) },
  };
}

function asciiOnly(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '_').slice(0, 100);
}
