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
  // One deadline and one stop for every copy, cleared when they are over: a refusal of one image
  // stops the others at once, and no copy, body or timer goes on after Submit has answered (a
  // frozen container would run it in a later invocation, whose run it could end).
  const copying = new AbortController();
  const deadline = setTimeout(
    () => copying.abort(new DeadlinePassed()),
    deps.timeoutMs ?? CHAT_IMAGE_LIMITS.timeoutMs,
  );
  let firstRefusal: unknown;
  try {
    const copies = await Promise.allSettled(
      request.images.map(async (url, index) => {
        if (!isChatFile(url)) return url;
        try {
          return await copyOne(
            url,
            (extension) => chatImageKey(runId, index, extension),
            access,
            deps,
            copying.signal,
          );
        } catch (error) {
          if (firstRefusal === undefined) {
            firstRefusal = error;
            copying.abort(error);
          }
          throw error;
        }
      }),
    );
    if (firstRefusal !== undefined) throw firstRefusal;
    return { ...request, images: copies.map((c) => (c as PromiseFulfilledResult<string>).value) };
  } finally {
    clearTimeout(deadline);
    copying.abort(); // whatever is left of a body is closed, never left open on the socket
  }
}

/** The copies' deadline passed (the reason the shared signal is aborted with). */
class DeadlinePassed extends Error {
  override name = 'TimeoutError';
}

async function copyOne(
  url: string,
  keyFor: (extension: string) => string,
  access: ChatFileAccess,
  deps: ChatImageCopyDeps,
  signal: AbortSignal,
): Promise<string> {
  const host = new URL(url).host;
  const tooSlow = (cause: unknown) =>
    new ImageRefusedError(
      `${access.label} took too long to send the image. Try again, or give a public image link with --image.`,
      { cause },
    );
  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(url, {
      headers: access.authorization ? { authorization: access.authorization } : {},
      // A redirect could lead the platform's token elsewhere: a file host answers directly.
      redirect: 'error',
      signal,
    });
  } catch (error) {
    if (signal.reason instanceof DeadlinePassed) throw tooSlow(error);
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
    throw tooLarge(sizeOver(declared));
  }
  const key = keyFor(extension);
  let seen = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      // Cut off as it passes the cap: its real size is not known, only that it is over.
      done(
        seen > CHAT_IMAGE_LIMITS.maxBytes
          ? tooLarge(`over ${CHAT_IMAGE_LIMITS.maxBytes / 2 ** 20} MiB`)
          : null,
        chunk,
      );
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
    // The deadline passed while the bytes were still coming (not an S3 failure after they all came).
    if (
      signal.reason instanceof DeadlinePassed &&
      !(capped as { writableFinished?: boolean }).writableFinished
    )
      throw tooSlow(error);
    throw error;
  }
  return (await presignObject(deps.s3, deps.bucket, key, CHAT_IMAGE_LIMITS.linkSeconds)).url;
}

/** A size over the cap as people read it: "12.3 MiB", or "over 10 MiB" where one decimal would read as the cap. */
function sizeOver(bytes: number): string {
  const cap = CHAT_IMAGE_LIMITS.maxBytes / 2 ** 20;
  const mib = (bytes / 2 ** 20).toFixed(1);
  return Number(mib) <= cap ? `over ${cap} MiB` : `${mib} MiB`;
}

function tooLarge(size: string): ImageRefusedError {
  return new ImageRefusedError(
    `The image is ${size}; clipbay passes on images up to ${CHAT_IMAGE_LIMITS.maxBytes / 2 ** 20} MiB. Use a smaller one.`,
  );
}
