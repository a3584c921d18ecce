/** Where copies of images shared in chat live in the bucket (a lifecycle rule removes them after a day). */
export const CHAT_IMAGE_PREFIX = 'images/';

/** The copy of a run's `index`-th image: `images/<run>/<index>.<extension>`. */
export function chatImageKey(runId: string, index: number, extension: string): string {
  return `${CHAT_IMAGE_PREFIX}${encodeURIComponent(runId)}/${index}.${extension}`;
}
