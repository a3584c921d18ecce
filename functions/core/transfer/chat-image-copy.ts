import { pipeline, Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ImageRefusedError } from '../errors.js';
import type { VideoRequest } from '../request/video-request.js';
import { chatImageKey } from '../storage/chat-image-object.js';
import { presignObject } from '../storage/video-links.js';

/** What clipbay passes on of an image shared in chat (what the families take as a first frame). */
export const CHAT_IMAGE_LIMITS = {
  /** Larger images are refused before a byte is stored. */
  maxBytes: 10 * 2 ** 20,
  /** Content type → the stored object's extension. */
  types: { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' } as Readonly<
    Record<string, string>
  >,
  /** How long TokenBay's link to the copy lives (it fetches the image when the task starts). */
  linkSeconds: 3600,
  /** Time to read the image from the platform. */
  timeoutMs: 20_000,
} as const;

/** Where an image shared in chat may be read from, and with what header (the platform's files). */
export interface ChatFileAccess {
  hosts: readonly string[];
  authorization: string | undefined;
  /** The platform, as people write it, for messages: "Slack". */
  label: string;
}

export interface ChatImageCopyDeps {
  s3: S3Client;
  bucket: string;
  fetch?: typeof fetch;
  /** Time to read an image (CHAT_IMAGE_LIMITS.timeoutMs unless a test says otherwise). */
  timeoutMs?: number;
}

/**
 * Images shared in chat reach TokenBay only as copies: each of the request's images whose host is
 * one of the platform's file hosts (a private Slack file, a Discord attachment) is read from there
 * (with the platform's header), checked (PNG, JPEG or WebP, at most 10 MiB, counted as it streams),
 * stored in the bucket under `images/<run>/` (storage/chat-image-object.ts), and replaced by a presigned link to the copy. Any
 * other image link (one typed with --image) goes to TokenBay as it was given. Nothing of a chat
 * file's URL, which may be private, is ever sent to TokenBay.
 */
export async function copyChatImages(
  request: VideoRequest,
  runId: string,
  access: ChatFileAccess,
  deps: ChatImageCopyDeps,
): Promise<VideoRequest> {
  const isChatFile = (url: string) => {
    try {
      return access.hosts.includes(new URL(url).host);
    } catch {
      return false;
    }
  };
  if (!request.images.some(isChatFile)) return request;
  const images = await Promise.all(
    request.images.map((url, index) =>
      isChatFile(url)
        ? copyOne(url, (extension) => chatImageKey(runId, index, extension), access, deps)
        : url,
    ),
  );
  return { ...request, images };
}

async function copyOne(
  url: string,
  keyFor: (extension: string) => string,
  access: ChatFileAccess,
  deps: ChatImageCopyDeps,
): Promise<string> {
  const host = new URL(url).host;
  // The read's own deadline, cleared once the copy is over: a timer left behind would abort a body
  // nobody reads any more, and that error, with no one listening, would end the process.
  const reading = new AbortController();
  const deadline = setTimeout(
    () => reading.abort(new Error('The image took too long to read.')),
    deps.timeoutMs ?? CHAT_IMAGE_LIMITS.timeoutMs,
  );
  try {
    return await copyWithin(url, host, keyFor, access, deps, reading.signal);
  } finally {
    clearTimeout(deadline);
    reading.abort(); // whatever is left of the body is closed, never left open on the socket
  }
}

async function copyWithin(
  url: string,
  host: string,
  keyFor: (extension: string) => string,
  access: ChatFileAccess,
  deps: ChatImageCopyDeps,
  signal: AbortSignal,
): Promise<string> {
  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(url, {
      headers: access.authorization ? { authorization: access.authorization } : {},
      // A redirect could lead the platform's token elsewhere: a file host answers directly.
      redirect: 'error',
      signal,
    });
  } catch (error) {
    throw new ImageRefusedError(
      `clipbay could not read the image from ${access.label} (${(error as Error).name}). Try again, or give a public image link with --image.`,
      { cause: error },
    );
  }
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const extension = CHAT_IMAGE_LIMITS.types[type];
  if (!response.ok || !extension) {
    await response.body?.cancel();
    throw new ImageRefusedError(
      !response.ok
        ? `${access.label} would not give clipbay the image (HTTP ${response.status}). An admin may need to reinstall the app with its file permission; or give a public image link with --image.`
        : type === 'text/html'
          ? `${access.label} answered with a web page instead of the image: the app may lack the permission to read files (Slack: files:read). An admin can add it.`
          : `The image must be a PNG, JPEG or WebP file; ${host} sent ${type || 'no content type'}.`,
    );
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > CHAT_IMAGE_LIMITS.maxBytes) {
    await response.body?.cancel();
    throw tooLarge(declared);
  }
  const key = keyFor(extension);
  let seen = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > CHAT_IMAGE_LIMITS.maxBytes ? tooLarge(seen) : null, chunk);
    },
  });
  // pipeline, not pipe: when the cap stops the copy, the body is destroyed with it (and its
  // connection closed), and each stream's error has a listener.
  const body = pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), capped, () => {});
  try {
    await new Upload({
      client: deps.s3,
      params: { Bucket: deps.bucket, Key: key, Body: body, ContentType: type },
    }).done();
  } catch (error) {
    if (error instanceof ImageRefusedError) throw error;
    if ((capped as { errored?: unknown }).errored instanceof ImageRefusedError)
      throw (capped as { errored: ImageRefusedError }).errored;
    if (signal.aborted)
      throw new ImageRefusedError(
        `${access.label} took too long to send the image. Try again, or give a public image link with --image.`,
        { cause: error },
      );
    throw error;
  }
  return (await presignObject(deps.s3, deps.bucket, key, CHAT_IMAGE_LIMITS.linkSeconds)).url;
}

function tooLarge(bytes: number): ImageRefusedError {
  return new ImageRefusedError(
    `The image is ${(bytes / 2 ** 20).toFixed(1)} MiB; clipbay passes on images up to ${CHAT_IMAGE_LIMITS.maxBytes / 2 ** 20} MiB. Use a smaller one.`,
  );
}
