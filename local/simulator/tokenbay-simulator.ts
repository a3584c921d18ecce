import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { systemClock, type Clock } from '../../functions/core/clock.js';
import { describeDurations, familyOf, isEditModel } from '../../functions/core/models/families.js';
import { readBody } from '../http/http-helpers.js';
import { SimulatedVideo } from './simulated-video.js';

/**
 * A TokenBay video API that runs on this machine: submit, query and content with their aliases,
 * Bearer auth, 200-with-error business failures, the documented lifecycle over a configurable
 * time with `"50%"` progress strings, and Range downloads of a real, playable MP4.
 *
 * Prompt triggers (documented in docs/RUNNING-LOCALLY.md, "The TokenBay simulator"):
 * - `[fail]`   the task ends in FAILURE with a `fail_reason` halfway through.
 * - `[reject]` submit answers 200 with an `error` (content policy).
 * - `[never]`  the task stays IN_PROGRESS forever (to test deadlines).
 *
 * Faults are queued with `inject()`: each matching request consumes one.
 */
export interface SimulatorOptions {
  /** The Bearer token to require. Unset: any `Bearer …` token is accepted. */
  apiKey?: string;
  /** Seconds from submit to SUCCESS for generation tasks. Default 20. */
  generationSeconds?: number;
  /** Seconds for editing tasks. Default 40. */
  editSeconds?: number;
  /** Size in bytes of the served MP4 (padded, still playable). Default: the sample's size. */
  videoSize?: number;
  /** `relative` (as documented) or `absolute` result_url. */
  resultUrl?: 'relative' | 'absolute';
  /**
   * Admit at most this many submits per second (by the simulator's clock); the rest get 429 with
   * `Retry-After` (whole seconds) and `retry-after-ms` saying when the next slot opens.
   */
  submitsPerSecond?: number;
  /**
   * How long after a task ends TokenBay settles its `quota` (default 0: at once). Until then the
   * task detail has no `quota`, as after a real settlement delay.
   */
  quotaSettlesAfterMs?: number;
  /**
   * Tests: answer this many queries of an ended task without its `quota` (settlement still
   * pending), whatever the clock says; after that the quota is there.
   */
  quotaLateByQueries?: number;
  clock?: Clock;
}

export type SubmitFault = 'unauthorized' | 'rate-limit' | 'server-error' | 'hang' | 'reset-after-body';
export type PollFault = 'unauthorized' | 'rate-limit' | 'server-error' | 'reset';
export type ContentFault =
  | { resetAtFraction: number }
  /** Send the bytes up to the fraction, call `onStall`, and send nothing more on that connection. */
  | { stallAtFraction: number; onStall: () => void }
  | 'server-error';

export interface RecordedRequest {
  method: string;
  path: string;
  route: 'submit' | 'query' | 'content' | 'unknown';
  taskId: string | undefined;
  /** Simulator clock time, ms. */
  at: number;
  range: string | undefined;
  authorization: string | undefined;
  body: unknown;
}

interface SimTask {
  id: string;
  model: string;
  prompt: string;
  action: 'generate' | 'edit';
  createdAt: number;
  durationMs: number;
  outcome: 'success' | 'failure' | 'never';
  /** What the task costs once settled: QUOTA_PER_SECOND × the seconds asked for. */
  quota: number;
  /** Queries answered since the task ended. */
  endedQueries: number;
}

/** The simulated price: quota units per second of video asked for. */
export const QUOTA_PER_SECOND = 1000;
/** The seconds a submit asked for (`duration` or `seconds`), or 5 when it named none. */
function requestedSeconds(body: { duration?: unknown; seconds?: unknown }): number {
  const seconds = Number(body.duration ?? body.seconds ?? 5);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 5;
}

const SUBMIT_PATHS = new Set(['/v1/videos', '/v1/video/generations']);
const TASK_PATH = /^\/v1\/(?:videos|video\/generations)\/([A-Za-z0-9_-]+)(\/content)?$/;

export class TokenBaySimulator {
  readonly requests: RecordedRequest[] = [];
  /** The MP4 every task serves; `useVideoSize` replaces it. */
  video: SimulatedVideo;
  private readonly tasks = new Map<string, SimTask>();
  private readonly faults = {
    submit: [] as SubmitFault[],
    poll: [] as PollFault[],
    content: [] as ContentFault[],
  };
  private readonly clock: Clock;
  private server: Server | undefined;
  private baseUrl = '';

  /** Mutable: a benchmark changes how long the next task takes. */
  constructor(readonly options: SimulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.video = new SimulatedVideo(options.videoSize);
  }

  /** Starts listening on 127.0.0.1 and returns the base URL (`http://127.0.0.1:PORT`). */
  async start(port = 0): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) json(res, 500, { error: { message: String(error), type: 'server_error' } });
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  get url(): string {
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  inject(kind: 'submit', ...faults: SubmitFault[]): void;
  inject(kind: 'poll', ...faults: PollFault[]): void;
  inject(kind: 'content', ...faults: ContentFault[]): void;
  inject(kind: 'submit' | 'poll' | 'content', ...faults: (SubmitFault | PollFault | ContentFault)[]): void {
    (this.faults[kind] as unknown[]).push(...faults);
  }

  /** Every submit request received, answered or not. */
  submits(): RecordedRequest[] {
    return this.requests.filter((r) => r.route === 'submit');
  }

  /** Clock times (ms) of the status polls for one task. */
  pollTimes(taskId: string): number[] {
    return this.requests.filter((r) => r.route === 'query' && r.taskId === taskId).map((r) => r.at);
  }

  /** Smallest gap between two consecutive polls of any one task, in ms (Infinity if none). */
  minPollGapMs(): number {
    let min = Infinity;
    for (const id of this.tasks.keys()) {
      const times = this.pollTimes(id);
      for (let i = 1; i < times.length; i++) min = Math.min(min, times[i]! - times[i - 1]!);
    }
    return min;
  }

  taskIds(): string[] {
    return [...this.tasks.keys()];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const match = TASK_PATH.exec(path);
    const route: RecordedRequest['route'] =
      req.method === 'POST' && SUBMIT_PATHS.has(path)
        ? 'submit'
        : req.method === 'GET' && match
          ? match[2]
            ? 'content'
            : 'query'
          : 'unknown';
    const body = route === 'submit' ? await readBody(req) : undefined;
    const record: RecordedRequest = {
      method: req.method ?? '',
      path,
      route,
      taskId: match?.[1],
      at: this.clock.now(),
      range: req.headers.range,
      authorization: req.headers.authorization,
      body: body === undefined ? undefined : tryJson(body),
    };
    this.requests.push(record);

    if (route === 'unknown')
      return json(res, 404, apiError('No such route.', 'invalid_request_error', 'not_found'));
    if (!this.authorized(req.headers.authorization))
      return json(
        res,
        401,
        apiError('Invalid or missing API key.', 'authentication_error', 'invalid_api_key'),
      );

    if (route === 'submit') return this.submit(record.body, res);
    const task = this.tasks.get(match![1]!);
    if (!task)
      return json(
        res,
        404,
        apiError(`Task ${match![1]} not found.`, 'invalid_request_error', 'task_not_found'),
      );
    if (route === 'query') return this.query(task, res);
    return this.content(task, req, res);
  }

  private authorized(header: string | undefined): boolean {
    const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
    if (!token) return false;
    return this.options.apiKey === undefined || token === this.options.apiKey;
  }

  /** Serve an MP4 of this size (padded, still playable) from now on; undefined: the sample's size. */
  useVideoSize(size: number | undefined): void {
    this.video = new SimulatedVideo(size);
  }

  /** When the next submit slot opens, by the simulator's clock (the rate limiter's state). */
  private nextSubmitSlot = 0;
  /** Submits refused with 429 by the rate limiter. */
  throttledSubmits = 0;

  /** Milliseconds until a submit is admitted, or 0 (taking the slot) when it is admitted now. */
  private submitWait(): number {
    const rate = this.options.submitsPerSecond;
    if (!rate) return 0;
    const now = this.clock.now();
    if (now < this.nextSubmitSlot) return this.nextSubmitSlot - now;
    this.nextSubmitSlot = now + 1000 / rate;
    return 0;
  }

  private submit(body: unknown, res: ServerResponse): void {
    const wait = this.submitWait();
    if (wait > 0) {
      this.throttledSubmits++;
      res.setHeader('retry-after', String(Math.ceil(wait / 1000)));
      res.setHeader('retry-after-ms', String(Math.ceil(wait)));
      return json(res, 429, apiError('Too many requests.', 'rate_limit_error', 'rate_limited'));
    }
    const fault = this.faults.submit.shift();
    if (fault === 'unauthorized')
      return json(res, 401, apiError('Invalid API key.', 'authentication_error', 'invalid_api_key'));
    if (fault === 'rate-limit')
      return json(res, 429, apiError('Too many requests.', 'rate_limit_error', 'rate_limited'));
    if (fault === 'server-error')
      return json(res, 500, apiError('Upstream failure.', 'server_error', 'internal'));

    const problem = validateSubmit(body);
    if (problem) return json(res, 200, apiError(problem.message, 'invalid_request_error', problem.code));
    const task = this.createTask(body as { model: string; prompt: string });
    // Like a real network fault after the body went out: the task exists, the answer is lost.
    if (fault === 'hang') return;
    if (fault === 'reset-after-body') return void res.socket?.destroy();
    json(res, 200, {
      id: task.id,
      task_id: task.id,
      object: 'video',
      model: task.model,
      status: 'QUEUED',
      progress: 0,
      created_at: Math.floor(task.createdAt / 1000),
    });
  }

  private createTask(body: {
    model: string;
    prompt: string;
    duration?: unknown;
    seconds?: unknown;
  }): SimTask {
    const { model, prompt } = body;
    const edit = isEditModel(model);
    const task: SimTask = {
      id: `task_${randomBytes(12).toString('hex')}`,
      model,
      prompt,
      action: edit ? 'edit' : 'generate',
      createdAt: this.clock.now(),
      durationMs: 1000 * (edit ? (this.options.editSeconds ?? 40) : (this.options.generationSeconds ?? 20)),
      outcome: prompt.includes('[fail]') ? 'failure' : prompt.includes('[never]') ? 'never' : 'success',
      quota: QUOTA_PER_SECOND * requestedSeconds(body),
      endedQueries: 0,
    };
    this.tasks.set(task.id, task);
    return task;
  }

  private query(task: SimTask, res: ServerResponse): void {
    const fault = this.faults.poll.shift();
    if (fault === 'reset') return void res.socket?.destroy();
    // A key revoked while the task runs: the status query itself is refused.
    if (fault === 'unauthorized')
      return json(res, 401, apiError('Invalid API key.', 'authentication_error', 'invalid_api_key'));
    if (fault === 'rate-limit') {
      res.setHeader('retry-after', '1');
      return json(res, 429, apiError('Too many requests.', 'rate_limit_error', 'rate_limited'));
    }
    if (fault === 'server-error')
      return json(res, 502, apiError('Bad gateway.', 'server_error', 'bad_gateway'));

    const state = this.state(task);
    const seconds = (ms: number) => Math.floor(ms / 1000);
    const body: Record<string, unknown> = {
      task_id: task.id,
      id: task.id,
      object: 'video',
      model: task.model,
      action: task.action,
      status: state.status,
      progress: `${state.progress}%`,
      submit_time: seconds(task.createdAt),
      created_at: seconds(task.createdAt),
      updated_at: seconds(this.clock.now()),
    };
    if (state.status !== 'QUEUED')
      body.start_time = seconds(task.createdAt + Math.min(2000, task.durationMs * 0.1));
    if (state.status === 'SUCCESS') {
      const path = `/v1/videos/${task.id}/content`;
      body.result_url = this.options.resultUrl === 'absolute' ? `${this.baseUrl}${path}` : path;
      body.finish_time = seconds(task.createdAt + task.durationMs);
      if (this.settled(task, task.durationMs)) body.quota = task.quota;
    }
    if (state.status === 'FAILURE') {
      const reason = 'The prompt was flagged by the content safety system (simulated [fail]).';
      body.fail_reason = reason;
      body.error = { message: reason, code: 'content_policy_violation' };
      body.finish_time = seconds(task.createdAt + task.durationMs / 2);
      // A failed task is not charged, once settled.
      if (this.settled(task, task.durationMs / 2)) body.quota = 0;
    }
    json(res, 200, body);
  }

  private settled(task: SimTask, endsAfterMs: number): boolean {
    if (++task.endedQueries <= (this.options.quotaLateByQueries ?? 0)) return false;
    return this.clock.now() >= task.createdAt + endsAfterMs + (this.options.quotaSettlesAfterMs ?? 0);
  }

  private state(task: SimTask): { status: string; progress: number } {
    const elapsed = this.clock.now() - task.createdAt;
    const queuedFor = Math.min(2000, task.durationMs * 0.1);
    if (task.outcome === 'failure' && elapsed >= task.durationMs / 2)
      return { status: 'FAILURE', progress: 100 };
    if (elapsed < queuedFor) return { status: 'QUEUED', progress: 0 };
    if (task.outcome === 'never' || elapsed < task.durationMs)
      return {
        status: 'IN_PROGRESS',
        progress: Math.min(99, Math.max(1, Math.floor((elapsed / task.durationMs) * 100))),
      };
    return { status: 'SUCCESS', progress: 100 };
  }

  private async content(task: SimTask, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.state(task).status !== 'SUCCESS')
      return json(res, 404, apiError('The video is not ready.', 'invalid_request_error', 'not_ready'));
    const fault = this.faults.content.shift();
    if (fault === 'server-error')
      return json(res, 503, apiError('Storage unavailable.', 'server_error', 'unavailable'));

    const size = this.video.size;
    let start = 0;
    let end = size - 1;
    const range = req.headers.range;
    if (range) {
      const match = /^bytes=(\d+)-(\d*)$/.exec(range.trim());
      if (!match || Number(match[1]) >= size) {
        res.writeHead(416, { 'content-range': `bytes */${size}` });
        return void res.end();
      }
      start = Number(match[1]);
      end = match[2] ? Math.min(size - 1, Number(match[2])) : size - 1;
    }
    res.writeHead(range ? 206 : 200, {
      'content-type': 'video/mp4',
      'content-length': String(end - start + 1),
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (req.method === 'HEAD') return void res.end();

    if (fault && 'stallAtFraction' in fault) {
      const stallAt = Math.floor(size * fault.stallAtFraction);
      await pipeline(this.video.stream(start, Math.max(start, stallAt) - 1), res, { end: false });
      await new Promise<void>((resolve) => res.write('', () => resolve()));
      fault.onStall();
      // Whoever is downloading is now left waiting; the connection ends when they go away.
      await new Promise<void>((resolve) => res.once('close', () => resolve()));
      return;
    }
    const cutAt = fault ? Math.floor(size * fault.resetAtFraction) : undefined;
    if (cutAt !== undefined && cutAt > start && cutAt <= end) {
      // Send the bytes up to the cut, then drop the connection like a flaky network would.
      await pipeline(this.video.stream(start, cutAt - 1), res, { end: false });
      await new Promise<void>((resolve) => res.write('', () => resolve()));
      res.socket?.destroy();
      return;
    }
    await pipeline(this.video.stream(start, end), res);
  }
}

function validateSubmit(body: unknown): { message: string; code: string } | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return { message: 'The request body must be a JSON object.', code: 'invalid_json' };
  const { model, prompt, api_key: apiKey } = body as Record<string, unknown>;
  if (apiKey !== undefined)
    return { message: 'Send the API key as a Bearer header, not in the body.', code: 'key_in_body' };
  if (typeof model !== 'string' || !model) return { message: 'model is required.', code: 'missing_model' };
  const family = familyOf(model);
  if (!family) return { message: `The model ${model} does not exist.`, code: 'model_not_found' };
  if (typeof prompt !== 'string' || !prompt.trim())
    return { message: 'prompt is required.', code: 'missing_prompt' };
  if (prompt.includes('[reject]'))
    return {
      message: 'Your prompt was rejected by the safety system (simulated [reject]).',
      code: 'content_policy_violation',
    };
  const duration = (body as Record<string, unknown>)[family.fields.duration];
  if (duration !== undefined) {
    const rule = family.durations;
    const seconds = Number(duration);
    const ok =
      rule.kind === 'tiers' ? rule.values.includes(seconds) : seconds >= rule.min && seconds <= rule.max;
    if (!ok)
      return {
        message: `${family.fields.duration} must be ${describeDurations(rule)} for ${model}.`,
        code: 'invalid_duration',
      };
  }
  return undefined;
}

function apiError(
  message: string,
  type: string,
  code: string,
): { error: { message: string; type: string; code: string } } {
  return { error: { message, type, code } };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
