import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseMultipart } from './multipart.js';
import { slackViewProblems } from './slack-view-limits.js';

/** A file the fake received: a Slack upload's raw body, or a part of a Discord multipart body. */
export interface ChatFile {
  /** The form field (`files[0]`), or `upload` for a Slack upload URL. */
  field: string;
  filename?: string;
  contentType?: string;
  size: number;
  sha256: string;
  /** The bytes themselves, when no larger than `keepBytesUpTo`. */
  bytes?: Buffer;
}

export interface ChatRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** Files the request carried (Slack upload URL, Discord `files[n]`). */
  files: ChatFile[];
}

/** A stand-in's answer to one request (status 200 and JSON unless it says otherwise). */
export interface ChatAnswer {
  status?: number;
  body?: unknown;
  /** Bytes to send as they are (a file), with the headers given, instead of a JSON body. */
  raw?: Buffer;
  headers?: Record<string, string>;
}
export type ChatHandler = (request: ChatRequest) => Promise<ChatAnswer>;

/** Where the fake's Slack upload URLs point: `POST /slack/upload/<file id>` takes the raw bytes. */
const SLACK_UPLOAD = /^\/slack\/upload\/(F\w+)$/;

/**
 * Stands in for Slack's response_url and Web API, or for Discord's API: records every request and
 * answers with what the test scripted for its path (default 200 `{ ok: true }`). Slack's file
 * upload works as Slack's does: files.getUploadURLExternal hands out an upload URL on this server,
 * which takes the raw bytes; Discord's multipart bodies are split into `payload_json` and files.
 * Uploaded bytes are kept (up to `keepBytesUpTo` per file; beyond, only their size and SHA-256).
 */
export class FakeChatServer {
  readonly requests: ChatRequest[] = [];
  private readonly scripted: {
    match: RegExp;
    status: number;
    body: unknown;
    times: number;
    headers: Record<string, string>;
  }[] = [];
  private readonly handlers: { match: RegExp; answer: ChatHandler }[] = [];
  private server: Server | undefined;
  private uploads = 0;
  url = '';

  constructor(private readonly options: { keepBytesUpTo?: number } = {}) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const path = decodeURIComponent(req.url ?? '/');
      const keep = this.options.keepBytesUpTo ?? 64 * 2 ** 20;
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let size = 0;
      const raw = SLACK_UPLOAD.test(path);
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (raw) hash.update(c);
        if (!raw || size <= keep) chunks.push(c);
      });
      req.on('end', () => {
        const whole = raw && size > keep ? undefined : Buffer.concat(chunks);
        const { body, files } = raw
          ? {
              body: {},
              files: [
                { field: 'upload', size, sha256: hash.digest('hex'), ...(whole ? { bytes: whole } : {}) },
              ],
            }
          : parseBody(req.headers['content-type'] ?? '', whole!, keep);
        this.requests.push({ method: req.method ?? '', path, headers: req.headers, body, files });
        const request = this.requests.at(-1)!;
        const handler = this.handlers.find((h) => h.match.test(`${req.method} ${path}`));
        if (handler) {
          void handler
            .answer(request)
            .then(({ status = 200, body: answer, raw, headers = {} }) =>
              raw
                ? res
                    .writeHead(status, {
                      // Unless it is sent chunked, as a server that does not know the length does.
                      ...(headers['transfer-encoding'] ? {} : { 'content-length': String(raw.length) }),
                      ...headers,
                    })
                    .end(raw)
                : res
                    .writeHead(status, { 'content-type': 'application/json', ...headers })
                    .end(answer === undefined ? undefined : JSON.stringify(answer)),
            )
            .catch((error: unknown) => res.writeHead(500).end(String(error)));
          return;
        }
        const script = this.scripted.find((s) => s.match.test(`${req.method} ${path}`) && s.times !== 0);
        if (script) script.times--;
        const status = script?.status ?? 200;
        const answer = script?.body ?? this.defaultAnswer(path, size, body);
        res
          .writeHead(status, { 'content-type': 'application/json', ...script?.headers })
          .end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  private defaultAnswer(path: string, size: number, body: Record<string, unknown>): unknown {
    const n = this.requests.length;
    if (path.endsWith('/views.open') || path.endsWith('/views.update')) return this.viewAnswer(path, body, n);
    if (path.endsWith('/files.getUploadURLExternal')) {
      const fileId = `F${String(++this.uploads).padStart(10, '0')}`;
      return { ok: true, upload_url: `${this.url}/slack/upload/${fileId}`, file_id: fileId };
    }
    if (SLACK_UPLOAD.test(path)) return { ok: true, bytes: size };
    // An edit answers the message it edited, as Slack's chat.update (its `ts`) and Discord's
    // PATCH of a channel message (its `id`) do; a post answers a new one.
    if (path.endsWith('/chat.update') && typeof body.ts === 'string') return { ok: true, ts: body.ts };
    const edited = /\/channels\/\d+\/messages\/(\d+)$/.exec(path)?.[1];
    if (edited) return { ok: true, id: edited };
    return { ok: true, ts: `${n}.000100`, id: `9${n}`.padEnd(18, '0') };
  }

  /**
   * views.open (with a trigger_id) and views.update (with a view_id): the view checked against
   * Slack's documented limits, refused as Slack refuses (`invalid_arguments`), else opened.
   */
  private viewAnswer(path: string, body: Record<string, unknown>, n: number): unknown {
    const view =
      typeof body.view === 'string' ? (JSON.parse(body.view) as Record<string, unknown>) : body.view;
    const missing = path.endsWith('/views.open') ? !body.trigger_id : !body.view_id && !body.external_id;
    if (missing || !view) return { ok: false, error: 'invalid_arguments' };
    const problems = slackViewProblems(view);
    if (problems.length)
      return { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems } };
    return {
      ok: true,
      view: { ...view, id: body.view_id ?? `V${String(n).padStart(8, '0')}`, hash: `${n}.hash` },
    };
  }

  /** Answer `status`/`body` to requests whose "METHOD path" matches, `times` times (-1: always). */
  answer(
    match: RegExp,
    status: number,
    body: unknown = {},
    times = -1,
    headers: Record<string, string> = {},
  ): void {
    this.scripted.push({ match, status, body, times, headers });
  }

  /**
   * Answer requests whose "METHOD path" matches with `answer` (a stand-in for a whole API, such as
   * Slack's app management or Discord's application endpoints); scripted answers come after.
   */
  handle(match: RegExp, answer: ChatHandler): void {
    this.handlers.push({ match, answer });
  }

  to(pathPart: string): ChatRequest[] {
    return this.requests.filter((r) => r.path.includes(pathPart));
  }

  /** The bytes uploaded for a Slack file id (the upload URL's body). */
  slackUpload(fileId: string): ChatFile | undefined {
    return this.requests.find((r) => r.path === `/slack/upload/${fileId}`)?.files[0];
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function parseBody(
  contentType: string,
  data: Buffer,
  keep: number,
): { body: Record<string, unknown>; files: ChatFile[] } {
  if (contentType.startsWith('multipart/form-data')) {
    const parts = parseMultipart(contentType, data);
    const payload = parts.find((p) => p.name === 'payload_json');
    const files = parts
      .filter((p) => p.filename !== undefined)
      .map((p) => ({
        field: p.name,
        filename: p.filename,
        contentType: p.contentType,
        size: p.data.length,
        sha256: createHash('sha256').update(p.data).digest('hex'),
        ...(p.data.length <= keep ? { bytes: p.data } : {}),
      }));
    return { body: payload ? parseJson(payload.data.toString('utf8')) : {}, files };
  }
  return { body: parseJson(data.toString('utf8')), files: [] };
}

function parseJson(text: string): Record<string, unknown> {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return Object.fromEntries(new URLSearchParams(text));
  }
}
