import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import { InlineUploadError } from '../../functions/core/notify/inline-upload.js';
import { LINK_ONLY_REASON, type ClipSource } from '../../functions/core/notify/notifier.js';
import { isTimeout } from '../../functions/core/notify/chat-timeout.js';
import { sendStream, type StreamAnswer } from '../../functions/core/notify/stream-request.js';

/** Slack takes uploaded files up to 1 GB each (its help centre: "Upload files up to 1 GB"). */
export const SLACK_MAX_FILE_BYTES = 1_000_000_000;

/** `ok: false` errors that say the app was not granted files:write. */
const MISSING_SCOPE = new Set(['missing_scope', 'not_allowed_token_type']);
/** The bot cannot share into this channel (not a member, private, a DM). */
const NOT_IN_CHANNEL = new Set(['not_in_channel', 'channel_not_found']);
/** The workspace caps file sizes below Slack's own limit. */
const TOO_LARGE = new Set(['file_upload_size_restricted', 'file_too_large']);

export interface SlackClipUpload {
  web: WebClient;
  channelId: string;
  clip: ClipSource;
  /** mrkdwn shown with the file, already escaped. */
  initialComment: string;
  /** The whole upload (three calls and the bytes) is aborted after this many ms. */
  timeoutMs: number;
  /** Larger clips are not tried (default SLACK_MAX_FILE_BYTES; the benchmark lifts it). */
  maxBytes?: number;
}

/**
 * Uploads the clip into the channel, so Slack plays it in place: files.getUploadURLExternal, the
 * bytes streamed from storage to the upload URL (never held whole: raw body, its length
 * announced), then files.completeUploadExternal with the channel and the comment. Every failure
 * is an InlineUploadError saying why; the caller posts the link instead.
 */
export async function uploadClipToSlack(upload: SlackClipUpload): Promise<void> {
  const { web, clip } = upload;
  const maxBytes = upload.maxBytes ?? SLACK_MAX_FILE_BYTES;
  if (clip.bytes > maxBytes)
    throw new InlineUploadError(
      LINK_ONLY_REASON.tooLarge,
      `The clip is ${clip.bytes} bytes; Slack takes files up to ${maxBytes} bytes.`,
    );
  const signal = AbortSignal.timeout(upload.timeoutMs);
  const ticket = await slackCall('files.getUploadURLExternal', () =>
    web.files.getUploadURLExternal({ filename: clip.filename, length: clip.bytes }),
  );
  if (!ticket.upload_url || !ticket.file_id)
    throw new InlineUploadError(
      LINK_ONLY_REASON.uploadFailed,
      'Slack files.getUploadURLExternal answered without an upload URL or file id.',
    );
  await sendBytes(ticket.upload_url, clip, signal);
  await slackCall('files.completeUploadExternal', () =>
    web.files.completeUploadExternal({
      files: [{ id: ticket.file_id!, title: clip.filename }],
      channel_id: upload.channelId,
      initial_comment: upload.initialComment,
    }),
  );
}

async function sendBytes(uploadUrl: string, clip: ClipSource, signal: AbortSignal): Promise<void> {
  let answer: StreamAnswer;
  try {
    answer = await sendStream({
      url: uploadUrl,
      method: 'POST',
      headers: { 'content-type': clip.contentType, 'content-length': String(clip.bytes) },
      body: await clip.open(signal),
      signal,
    });
  } catch (error) {
    // The clip's own refusal (an earlier attempt claimed the upload) keeps its reason.
    if (error instanceof InlineUploadError) throw error;
    const why = isTimeout(error) ? 'no answer in time (request aborted)' : (error as Error).message;
    throw new InlineUploadError(LINK_ONLY_REASON.uploadFailed, `Uploading the clip to Slack failed: ${why}`, {
      cause: error,
    });
  }
  if (answer.status === 413)
    throw new InlineUploadError(LINK_ONLY_REASON.tooLarge, 'Slack refused the clip as too large (413).');
  if (answer.status < 200 || answer.status >= 300)
    throw new InlineUploadError(
      LINK_ONLY_REASON.uploadFailed,
      `Slack's upload URL answered ${answer.status}.`,
    );
}

async function slackCall<T>(method: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const code = error instanceof WebAPIPlatformError ? error.data.error : undefined;
    const reason =
      code === undefined
        ? LINK_ONLY_REASON.uploadFailed
        : MISSING_SCOPE.has(code)
          ? LINK_ONLY_REASON.missingScope
          : NOT_IN_CHANNEL.has(code)
            ? LINK_ONLY_REASON.notInChannel
            : TOO_LARGE.has(code)
              ? LINK_ONLY_REASON.tooLarge
              : LINK_ONLY_REASON.uploadFailed;
    const said = code ?? (isTimeout(error) ? 'no answer in time' : (error as Error).message);
    const hint =
      reason === LINK_ONLY_REASON.missingScope ? ' (add the files:write scope and reinstall the app)' : '';
    throw new InlineUploadError(reason, `Slack ${method} answered ${said}${hint}.`, { cause: error });
  }
}
