import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { TokenBayError } from '../errors.js';
import {
  TokenBayAuthError,
  TokenBayMaybeSentError,
  TokenBayNotSentError,
  TokenBayProtocolError,
  TokenBayRateLimitError,
  TokenBayRejectedError,
  TokenBayServerError,
} from '../errors.js';
import type { SubmitBody } from '../request/build-submit-body.js';
import { normalizeTask, taskBodySchema, withTrailingSlash, type Task } from './task.js';

export interface TokenBayClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Defaults to the global fetch; injectable for tests and instrumentation. */
  fetch?: typeof fetch;
  /**
   * The fetch for submits alone (default: `fetch`). The Submit Lambda passes one that opens a
   * fresh connection each time, so a connection that died while the environment was frozen can
   * never turn a request that was not sent into one that may have been.
   */
  submitFetch?: typeof fetch;
  /** Time allowed for a JSON request, and for a download's headers and each gap between chunks. */
  timeoutMs?: number;
}

/** What `submit` returns: the new task's id and first status. */
export interface SubmittedTask {
  id: string;
  status: string;
  model: string | undefined;
  createdAt: number | undefined;
}

/** A download in progress: the byte stream from `offset`, and what the server said of the length. */
export interface VideoContent {
  stream: Readable;
  /** First byte of `stream` within the whole file. */
  offset: number;
  /** Bytes in `stream`, when the server said. */
  contentLength: number | undefined;
  /** Size of the whole file, when the server said. */
  totalLength: number | undefined;
  contentType: string | undefined;
}

/** Connection errors that prove the request never left this machine. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
]);

const USER_AGENT = 'clipbay/0.1 (+https://github.com/clipbay)';

/**
 * TokenBay video API over fetch. Every request has a timeout; no request is ever retried here
 * (the state machine decides what is safe to retry, and submit is never retried when it may
 * have reached TokenBay).
 */
export class TokenBayClient {
  private readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly fetchImpl: typeof fetch;
  private readonly submitFetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: TokenBayClientOptions) {
    this.baseUrl = withTrailingSlash(options.baseUrl);
    this.apiKey = options.apiKey;
    this.fetchImpl = options.fetch ?? fetch;
    this.submitFetch = options.submitFetch ?? this.fetchImpl;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** `POST /v1/videos`. Throws `TokenBayRejectedError` for a 200 that carries `error`. */
  async submit(body: SubmitBody): Promise<SubmittedTask> {
    const json = await this.requestJson('POST', 'v1/videos', body, {}, this.submitFetch);
    const id =
      typeof json.id === 'string' ? json.id : typeof json.task_id === 'string' ? json.task_id : undefined;
    if (!id) throw new TokenBayProtocolError('TokenBay accepted the request but returned no task id.');
    return {
      id,
      status: typeof json.status === 'string' ? json.status : 'QUEUED',
      model: typeof json.model === 'string' ? json.model : undefined,
      createdAt: typeof json.created_at === 'number' ? json.created_at : undefined,
    };
  }

  /** `GET /v1/videos/{task_id}`, normalized. */
  async get(taskId: string): Promise<Task> {
    // A failed task's body carries `error` beside its status: that is task data, not a rejection.
    const json = await this.requestJson('GET', `v1/videos/${encodeURIComponent(taskId)}`, undefined, {
      errorWithStatusIsTaskData: true,
    });
    const parsed = taskBodySchema.safeParse(json);
    if (!parsed.success)
      throw new TokenBayProtocolError(`TokenBay's answer for task ${taskId} has an unexpected shape.`);
    return normalizeTask(parsed.data, this.baseUrl, taskId);
  }

  /**
   * Streams the finished video: `source` is a task id, or its `result_url` (relative or absolute).
   * With `offset > 0` it asks for `Range: bytes=offset-` and insists on a matching 206.
   */
  async content(source: string, options: { offset?: number } = {}): Promise<VideoContent> {
    const offset = options.offset ?? 0;
    const url = this.contentUrl(source);
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: 'video/mp4, */*' };
    // Never send the key to a host other than TokenBay's (an absolute result_url may point at a CDN).
    if (new URL(url).origin === new URL(this.baseUrl).origin) headers.authorization = `Bearer ${this.apiKey}`;
    if (offset > 0) headers.range = `bytes=${offset}-`;

    const controller = new AbortController();
    let timer = setTimeout(
      () => controller.abort(new DOMException('timed out', 'TimeoutError')),
      this.timeoutMs,
    );
    let response: Response;
    try {
      response = await this.fetchImpl(url, { method: 'GET', headers, signal: controller.signal });
    } catch (error) {
      clearTimeout(timer);
      throw classifyNetworkError(error, 'GET', url);
    }
    if (response.status === 416) {
      clearTimeout(timer);
      throw new TokenBayProtocolError(
        `TokenBay could not serve bytes from ${offset} (416 Range Not Satisfiable).`,
        {
          status: 416,
        },
      );
    }
    if (!response.ok) {
      clearTimeout(timer);
      throw await errorFromResponse(response);
    }
    if (!response.body) {
      clearTimeout(timer);
      throw new TokenBayProtocolError('TokenBay sent no video bytes.');
    }

    const contentLength = headerNumber(response.headers.get('content-length'));
    let totalLength = response.status === 200 ? contentLength : undefined;
    if (offset > 0) {
      const range = parseContentRange(response.headers.get('content-range'));
      if (response.status !== 206 || !range || range.start !== offset) {
        clearTimeout(timer);
        await response.body.cancel().catch(() => undefined);
        throw new TokenBayProtocolError(
          `TokenBay did not resume the download at byte ${offset} (status ${response.status}, Content-Range ${response.headers.get('content-range') ?? 'missing'}).`,
        );
      }
      totalLength = range.total;
    }

    const stream = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    // The timeout now guards each gap between chunks, so a stalled download fails instead of hanging.
    const rearm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new DOMException('stalled', 'TimeoutError')), this.timeoutMs);
    };
    rearm();
    stream.on('data', rearm);
    stream.once('close', () => clearTimeout(timer));
    return {
      stream,
      offset,
      contentLength,
      totalLength,
      contentType: response.headers.get('content-type') ?? undefined,
    };
  }

  private contentUrl(source: string): string {
    if (/^https?:\/\//i.test(source)) return source;
    if (source.startsWith('/')) return new URL(source, this.baseUrl).toString();
    return new URL(`v1/videos/${encodeURIComponent(source)}/content`, this.baseUrl).toString();
  }

  private async requestJson(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    options: { errorWithStatusIsTaskData?: boolean } = {},
    fetchImpl: typeof fetch = this.fetchImpl,
  ): Promise<Record<string, unknown>> {
    const url = new URL(path, this.baseUrl).toString();
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method,
        headers: {
          authorization: `Bearer ${this.apiKey}`,
          accept: 'application/json',
          'user-agent': USER_AGENT,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw classifyNetworkError(error, method, url);
    }
    if (!response.ok) throw await errorFromResponse(response);

    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      // Only a body that arrived whole and is not JSON is TokenBay's fault. A body cut off after the
      // headers (undici's "terminated") or timed out is a network failure after the request went out.
      if (!(error instanceof SyntaxError)) throw classifyNetworkError(error, method, url);
      throw new TokenBayProtocolError(
        `TokenBay answered ${method} ${path} with something that is not JSON.`,
        {
          status: response.status,
          cause: error,
        },
      );
    }
    if (!json || typeof json !== 'object' || Array.isArray(json))
      throw new TokenBayProtocolError(`TokenBay answered ${method} ${path} with unexpected JSON.`);
    const record = json as Record<string, unknown>;
    const apiError =
      options.errorWithStatusIsTaskData && typeof record.status === 'string'
        ? undefined
        : readApiError(record);
    if (apiError) throw new TokenBayRejectedError(apiError.message, { status: response.status, ...apiError });
    return record;
  }
}

function readApiError(
  body: Record<string, unknown>,
): { message: string; type?: string; code?: string } | undefined {
  const error = body.error;
  if (!error || typeof error !== 'object') return undefined;
  const { message, type, code } = error as Record<string, unknown>;
  return {
    message:
      typeof message === 'string' && message ? message : 'TokenBay rejected the request without a reason.',
    ...(typeof type === 'string' ? { type } : {}),
    ...(code !== undefined && code !== null ? { code: String(code) } : {}),
  };
}

/** A non-2xx answer → the matching typed error, with TokenBay's own message when it sent one. */
async function errorFromResponse(response: Response): Promise<TokenBayError> {
  const text = await response.text().catch(() => '');
  let apiError: ReturnType<typeof readApiError>;
  try {
    apiError = readApiError(JSON.parse(text) as Record<string, unknown>);
  } catch {
    apiError = undefined;
  }
  const status = response.status;
  const detail = { status, type: apiError?.type, code: apiError?.code };
  const said = apiError?.message;
  if (status === 401 || status === 403)
    return new TokenBayAuthError(
      `TokenBay refused clipbay's API key (${status}${said ? `: ${said}` : ''}). An admin needs to set a valid TokenBay key.`,
      detail,
    );
  if (status === 429) {
    // `retry-after-ms` (finer than Retry-After's whole seconds) wins when both are sent.
    const ms = headerNumber(response.headers.get('retry-after-ms'));
    return new TokenBayRateLimitError(said ?? 'TokenBay is rate limiting requests (429).', {
      ...detail,
      retryAfterSeconds: ms !== undefined ? ms / 1000 : headerNumber(response.headers.get('retry-after')),
    });
  }
  if (status >= 500)
    return new TokenBayServerError(said ?? `TokenBay had a server error (${status}).`, detail);
  return new TokenBayRejectedError(said ?? `TokenBay rejected the request (${status}).`, detail);
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const { code, errors, cause } = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (Array.isArray(errors)) for (const inner of errors) codes.push(...errorCodes(inner));
    current = cause;
  }
  return codes;
}

/**
 * Splits network failures into "certainly not sent" and "may have been sent". A timeout counts
 * as maybe-sent even if it hit before the connection opened: it cannot be told apart safely.
 */
export function classifyNetworkError(error: unknown, method: string, url: string): TokenBayError {
  const where = `${method} ${new URL(url).pathname}`;
  const codes = errorCodes(error);
  if (!isAbort(error) && codes.length > 0 && codes.every((code) => NOT_SENT_CODES.has(code)))
    return new TokenBayNotSentError(
      `Could not reach TokenBay for ${where} (${codes[0]}); the request was not sent.`,
      {
        code: codes[0],
        cause: error,
      },
    );
  const reason = isAbort(error)
    ? 'timed out'
    : `failed (${codes[0] ?? (error as Error)?.message ?? 'unknown'})`;
  return new TokenBayMaybeSentError(
    `TokenBay ${where} ${reason} after the request may have been sent.`,
    codes[0] === undefined ? { cause: error } : { code: codes[0], cause: error },
  );
}

function headerNumber(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value);
}

/** `bytes 100-199/1000` → { start: 100, end: 199, total: 1000 }; total undefined for `/*`. */
export function parseContentRange(
  value: string | null,
): { start: number; end: number; total: number | undefined } | undefined {
  const match = value ? /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value.trim()) : null;
  if (!match) return undefined;
  return {
    start: Number(match[1]),
    end: Number(match[2]),
    total: match[3] === '*' ? undefined : Number(match[3]),
  };
}
