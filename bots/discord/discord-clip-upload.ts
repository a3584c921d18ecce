import { randomUUID } from 'node:crypto';
import { NotifyError } from '../../functions/core/errors.js';
import { InlineUploadError } from '../../functions/core/notify/inline-upload.js';
import { LINK_ONLY_REASON, type ClipSource } from '../../functions/core/notify/notifier.js';
import { isTimeout } from '../../functions/core/notify/chat-timeout.js';
import { sendStream, type StreamAnswer } from '../../functions/core/notify/stream-request.js';
import type { DiscordMessage } from './discord-messages.js';

/** Bots may attach up to 10 MiB in servers without boosts (more is refused: 413 or code 40005). */
export const DISCORD_MAX_UPLOAD_BYTES = 10 * 2 ** 20;
/** Discord's JSON error code for "Request entity too large". */
const ENTITY_TOO_LARGE = 40005;

/** The interaction token expired (401/404): the bot token may still post in the channel. */
export class DiscordWebhookGoneError extends InlineUploadError {}

export interface AttachRequest {
  method: 'PATCH' | 'POST';
  url: string;
  /** `Bot <token>` for channel messages; none for the interaction webhook. */
  authorization?: string;
  message: DiscordMessage;
  clip: ClipSource;
  signal: AbortSignal;
}

/**
 * Sends a message with the clip attached, as Discord's "uploading files" asks: multipart/form-data
 * with `payload_json` (the message, whose `attachments` names file 0) and `files[0]`. The body is
 * streamed: its parts around the clip, which flows from storage as Discord reads it. Returns the
 * message id Discord answers with. A 429 is a NotifyError with Discord's wait (the step honours
 * it and sends again); anything else that stops the attachment is an InlineUploadError.
 */
export async function sendWithAttachment(request: AttachRequest): Promise<string | undefined> {
  const { clip } = request;
  let response: StreamAnswer;
  try {
    const form = multipartWithClip(
      { ...request.message, attachments: [{ id: 0, filename: clip.filename }] },
      clip,
      await clip.open(request.signal),
    );
    response = await sendStream({
      url: request.url,
      method: request.method,
      headers: {
        'content-type': form.contentType,
        'content-length': String(form.length),
        ...(request.authorization ? { authorization: request.authorization } : {}),
      },
      body: form.body,
      signal: request.signal,
    });
  } catch (error) {
    // The clip's own refusal (an earlier attempt claimed the upload) keeps its reason.
    if (error instanceof InlineUploadError) throw error;
    const why = isTimeout(error) ? 'no answer in time (request aborted)' : (error as Error).message;
    throw new InlineUploadError(
      LINK_ONLY_REASON.uploadFailed,
      `Attaching the clip on Discord failed: ${why}`,
      {
        cause: error,
      },
    );
  }
  const answer = parse(response.text);
  if (response.status >= 200 && response.status < 300)
    return typeof answer.id === 'string' ? answer.id : undefined;
  const said = `${response.status}${answer.code === undefined ? '' : `, code ${String(answer.code)}`}`;
  if (response.status === 429) {
    // Not a reason to give up the player: the step waits as Discord asks and sends it again.
    const seconds = Number(answer.retry_after ?? response.headers['retry-after']);
    throw new NotifyError(`Discord rate limited the message with the clip (429).`, {
      retryAfterMs: Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : undefined,
    });
  }
  if (response.status === 413 || answer.code === ENTITY_TOO_LARGE)
    throw new InlineUploadError(
      LINK_ONLY_REASON.tooLarge,
      `Discord refused the clip as too large (${said}).`,
    );
  if (!request.authorization && (response.status === 401 || response.status === 404))
    throw new DiscordWebhookGoneError(
      LINK_ONLY_REASON.uploadFailed,
      `The Discord interaction token is no longer valid (${said}).`,
    );
  throw new InlineUploadError(
    LINK_ONLY_REASON.uploadFailed,
    `Discord refused the message with the clip (${said}).`,
  );
}

type DiscordAnswer = { id?: unknown; code?: unknown; retry_after?: unknown };

function parse(text: string): DiscordAnswer {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? (value as DiscordAnswer) : {};
  } catch {
    return {};
  }
}

/** A multipart/form-data body of `payload_json` and `files[0]`, with its exact length. */
export function multipartWithClip(
  payload: unknown,
  clip: Pick<ClipSource, 'filename' | 'contentType' | 'bytes'>,
  bytes: ReadableStream<Uint8Array>,
): { body: ReadableStream<Uint8Array>; contentType: string; length: number } {
  const boundary = `clipbay-${randomUUID()}`;
  const encoder = new TextEncoder();
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="payload_json"\r\nContent-Type: application/json\r\n\r\n` +
      `${JSON.stringify(payload)}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="files[0]"; filename="${quoted(clip.filename)}"\r\n` +
      `Content-Type: ${clip.contentType}\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const reader = bytes.getReader();
  let stage: 'head' | 'clip' | 'done' = 'head';
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (stage === 'head') {
        stage = 'clip';
        controller.enqueue(head);
        return;
      }
      const { done, value } = await reader.read();
      if (!done) {
        controller.enqueue(value);
        return;
      }
      stage = 'done';
      controller.enqueue(tail);
      controller.close();
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return {
    body,
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.byteLength + clip.bytes + tail.byteLength,
  };
}

/** A file name inside a quoted header parameter. */
function quoted(name: string): string {
  return name.replace(/["\\\r\n]/g, '_');
}
