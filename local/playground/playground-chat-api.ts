import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { readBodyBytes, sendJson } from '../http/http-helpers.js';
import type { LocalStack, Route } from '../stack/local-stack.js';
import { parseMultipart } from '../simulator/multipart.js';
import { slackViewsMethod } from './playground-dialogs.js';
import type { PlaygroundStore } from './playground-store.js';
import { sharedFileType } from './shared-file-types.js';

/** Where the playground's Slack Web API stand-in listens (SLACK_API_URL when no Slack app is set up). */
export const PLAYGROUND_SLACK_API = '/playground/slack/api/';
/** The bot token the local Slack secret holds for the stand-in: it reaches nothing but this server. */
export const PLAYGROUND_SLACK_BOT_TOKEN = 'xoxb-playground-local';

/** Discord attachments are at most 10 MiB; a multipart body a little more. */
const DISCORD_BODY_LIMIT = 11 * 2 ** 20;
/** A clip uploaded to the stand-in, or a file a person shared. */
const FILE_NAME = /^[\w-]{1,80}\.(?:mp4|png|jpg|webp|gif|bin)$/;

/**
 * Each playground conversation is its own Slack channel, so the stand-in knows which conversation
 * a chat.postMessage or an upload belongs to: `pg.0a1b…` ↔ `CPG0A1B…`.
 */
export function slackChannelOf(conversationId: string): string {
  return `CPG${conversationId.replace(/^pg\./, '').toUpperCase()}`;
}
function conversationOfChannel(channel: string): string {
  return `pg.${channel.replace(/^CPG/, '').toLowerCase()}`;
}

/**
 * The platform side of the playground beyond Slack's response_url: Slack's Web API (chat.postMessage,
 * chat.update, views.open and views.update, and the file upload: files.getUploadURLExternal, the
 * upload URL, and files.completeUploadExternal), Slack's private file URLs, and Discord's @original
 * edits, multipart bodies included. Uploaded
 * clips are written to the data folder as they arrive and played from there: the page shows
 * exactly the bytes the platform received, as Slack and Discord would play them.
 */
export function playgroundChatRoutes(stack: LocalStack, store: PlaygroundStore, dataDir: string): Route[] {
  const filesDir = join(dataDir, 'playground-files');
  let uploads = 0;
  const fileUrl = (name: string) => `/playground/files/${name}`;

  async function slackApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<true> {
    const fields = formFields((await readBodyBytes(req, 1024 * 1024))?.toString('utf8') ?? '');
    // As Slack answers a call without the app's token (a page elsewhere cannot send this header
    // without a preflight, which this server never grants).
    if (
      req.headers.authorization !== `Bearer ${PLAYGROUND_SLACK_BOT_TOKEN}` &&
      fields.token !== PLAYGROUND_SLACK_BOT_TOKEN
    )
      return answer(res, { ok: false, error: 'not_authed' });
    const conversation = conversationOfChannel(fields.channel ?? fields.channel_id ?? '');
    switch (method) {
      case 'chat.postMessage':
      case 'chat.update':
        store.post(conversation, slackBody(fields), { replace: method === 'chat.update', ephemeral: false });
        return answer(res, { ok: true, channel: fields.channel, ts: fields.ts ?? `${Date.now() / 1000}` });
      case 'views.open':
      case 'views.update':
        return answer(res, slackViewsMethod(store, method as 'views.open' | 'views.update', fields));
      case 'files.getUploadURLExternal': {
        const fileId = `F${Date.now().toString(36).toUpperCase()}${++uploads}`;
        return answer(res, {
          ok: true,
          file_id: fileId,
          upload_url: `${stack.url}/playground/slack/upload/${fileId}`,
        });
      }
      case 'files.completeUploadExternal': {
        const files = JSON.parse(fields.files ?? '[]') as { id: string; title?: string }[];
        store.post(
          conversation,
          {
            text: fields.initial_comment ?? '',
            files: files.map((f) => ({
              id: f.id,
              name: f.title ?? f.id,
              mimetype: 'video/mp4',
              url: fileUrl(`${f.id}.mp4`),
            })),
          },
          { replace: false, ephemeral: false },
        );
        return answer(res, { ok: true, files: files.map((f) => ({ id: f.id })) });
      }
      default:
        return answer(res, { ok: false, error: 'unknown_method' });
    }
  }

  return [
    async (req, res, path) => {
      if (req.method !== 'POST' || !path.startsWith(PLAYGROUND_SLACK_API)) return false;
      return slackApi(req, res, path.slice(PLAYGROUND_SLACK_API.length));
    },
    async (req, res, path) => {
      // Slack's upload URL: the raw bytes, streamed to disk as they come.
      const match = /^\/playground\/slack\/upload\/(F\w+)$/.exec(path);
      if (!match || req.method !== 'POST') return false;
      await mkdir(filesDir, { recursive: true });
      await pipeline(req, createWriteStream(join(filesDir, `${match[1]}.mp4`)));
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${req.headers['content-length'] ?? ''}`);
      return true;
    },
    async (req, res, path) => {
      const match =
        /^\/playground\/discord\/api\/v10\/webhooks\/\d+\/pg-(\d+)\/messages\/(?:@|%40)original$/.exec(path);
      if (!match || req.method !== 'PATCH') return false;
      const id = match[1]!;
      const bytes = await readBodyBytes(req, DISCORD_BODY_LIMIT);
      if (!bytes) {
        sendJson(res, 413, { message: 'Request entity too large', code: 40005 });
        return true;
      }
      store.post(id, await discordBody(req.headers['content-type'] ?? '', bytes, id), {
        replace: true,
        ephemeral: false,
      });
      return answer(res, { id });
    },
    async (req, res, path) => {
      const match = /^\/playground\/files\/([^/]+)$/.exec(path);
      if (!match || req.method !== 'GET' || !FILE_NAME.test(match[1]!)) return false;
      await sendFile(req, res, join(filesDir, match[1]!));
      return true;
    },
  ];

  /** A Discord message body, JSON or multipart; an attached clip is saved and linked for the page. */
  async function discordBody(
    contentType: string,
    bytes: Buffer,
    id: string,
  ): Promise<Record<string, unknown>> {
    if (!contentType.startsWith('multipart/form-data')) return parseJson(bytes.toString('utf8'));
    const parts = parseMultipart(contentType, bytes);
    const payload = parseJson(parts.find((p) => p.name === 'payload_json')?.data.toString('utf8') ?? '');
    const files = parts.filter((p) => p.filename !== undefined);
    await mkdir(filesDir, { recursive: true });
    const attachments = [];
    for (const [n, file] of files.entries()) {
      const name = `${id}-${Date.now()}-${n}.mp4`;
      await writeFile(join(filesDir, name), file.data);
      attachments.push({
        filename: file.filename,
        content_type: file.contentType,
        size: file.data.length,
        url: fileUrl(name),
      });
    }
    return { ...payload, attachments };
  }
}

/** An uploaded clip or a shared file, with Range support (the video element seeks with it). */
async function sendFile(req: IncomingMessage, res: ServerResponse, file: string): Promise<void> {
  const size = await stat(file).then(
    (s) => s.size,
    () => undefined,
  );
  if (size === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('No such file.\n');
    return;
  }
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  const start = range?.[1] ? Number(range[1]) : range?.[2] ? Math.max(0, size - Number(range[2])) : 0;
  const end = range?.[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
  if (range && (start >= size || start > end)) {
    res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    return;
  }
  res.writeHead(range ? 206 : 200, {
    'content-type': sharedFileType(file),
    'content-length': String(end - start + 1),
    'accept-ranges': 'bytes',
    'cache-control': 'no-store',
    // Served as what it was shared as, never sniffed into something else (HTML, script).
    'x-content-type-options': 'nosniff',
    ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
  });
  await pipeline(createReadStream(file, { start, end }), res).catch(() => undefined);
}

/** Slack's Web API takes form fields; `blocks` arrives as a JSON string. */
function slackBody(fields: Record<string, string>): Record<string, unknown> {
  return { text: fields.text ?? '', blocks: fields.blocks ? (JSON.parse(fields.blocks) as unknown) : [] };
}

function formFields(text: string): Record<string, string> {
  if (text.trimStart().startsWith('{')) return parseJson(text) as Record<string, string>;
  return Object.fromEntries(new URLSearchParams(text));
}

function parseJson(text: string): Record<string, unknown> {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function answer(res: ServerResponse, body: unknown): true {
  sendJson(res, 200, body);
  return true;
}
