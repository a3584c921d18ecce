import { Readable } from 'node:stream';
import { ERROR, TransferIntegrityError, TransferInterruptedError } from '../errors.js';
import { IN_FUNCTION_RETRY } from '../retry-policy.js';
import type { VideoContent } from '../tokenbay/client.js';

export interface ResumingDownloadOptions {
  /** How many times a broken download is reopened with `Range` before giving up (default: the retry table's). */
  maxResumes?: number;
  /** Told each time the download resumes, with the byte it resumes from. */
  onResume?: (offset: number, cause: unknown) => void;
}

/** What a finished (or failed) download got: bytes through, resumes used, announced total. */
export interface DownloadProgress {
  bytes: number;
  resumes: number;
  totalLength: number | undefined;
  contentType: string | undefined;
}

/**
 * One continuous stream of the whole video, however often the connection breaks: on an error it
 * reopens the source at the byte it had reached (`open(offset)` sends `Range: bytes=offset-`)
 * and carries on, so the consumer (a file, an S3 multipart upload) sees every byte once, in
 * order. Memory stays at one chunk: nothing is buffered beyond what the consumer has not read.
 * At the end the byte count is checked against the length the server announced.
 */
export function resumingDownload(
  open: (offset: number) => Promise<VideoContent>,
  options: ResumingDownloadOptions = {},
): { stream: Readable; progress: DownloadProgress } {
  const maxResumes = options.maxResumes ?? IN_FUNCTION_RETRY.downloadResume.maxRetries;
  const progress: DownloadProgress = { bytes: 0, resumes: 0, totalLength: undefined, contentType: undefined };

  async function* bytes(): AsyncGenerator<Buffer> {
    for (;;) {
      let content: VideoContent | undefined;
      try {
        content = await open(progress.bytes);
        progress.totalLength ??= content.totalLength;
        progress.contentType ??= content.contentType;
        for await (const chunk of content.stream) {
          const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
          progress.bytes += buffer.length;
          yield buffer;
        }
        break;
      } catch (error) {
        content?.stream.destroy();
        // Only a broken stream is resumed here; an answer TokenBay gave (4xx, 416) is final.
        const resumable = content !== undefined || isNetworkError(error);
        if (!resumable) throw error;
        if (progress.resumes >= maxResumes)
          throw new TransferInterruptedError(
            `The download broke off at byte ${progress.bytes} ${progress.resumes + 1} times; giving up.`,
            progress.bytes,
            { cause: error },
          );
        progress.resumes++;
        options.onResume?.(progress.bytes, error);
      }
    }
    if (progress.totalLength !== undefined && progress.bytes !== progress.totalLength)
      throw new TransferIntegrityError(
        `The download ended at ${progress.bytes} bytes but TokenBay announced ${progress.totalLength}.`,
      );
  }

  return { stream: Readable.from(bytes(), { objectMode: false }), progress };
}

/** A broken connection or a server hiccup: the download goes on from the byte it reached. */
const RESUMABLE: readonly string[] = [ERROR.tokenBayMaybeSent, ERROR.tokenBayNotSent, ERROR.tokenBayServer];

function isNetworkError(error: unknown): boolean {
  return RESUMABLE.includes((error as Error | undefined)?.name ?? '');
}
