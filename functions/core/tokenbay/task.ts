import * as z from 'zod';

/** TokenBay's task lifecycle: SUBMITTED → QUEUED → IN_PROGRESS → SUCCESS | FAILURE. */
export const TASK_STATUS = {
  submitted: 'SUBMITTED',
  queued: 'QUEUED',
  inProgress: 'IN_PROGRESS',
  success: 'SUCCESS',
  failure: 'FAILURE',
  /** A status this version of clipbay does not know; treated as "still running". */
  unknown: 'UNKNOWN',
} as const;

export type TaskStatus = (typeof TASK_STATUS)[keyof typeof TASK_STATUS];

const KNOWN_STATUSES: ReadonlySet<string> = new Set(Object.values(TASK_STATUS));

/** A task as clipbay uses it, whatever shape TokenBay's answer had. */
export interface Task {
  id: string;
  status: TaskStatus;
  /** The status string as TokenBay sent it (differs from `status` when unknown). */
  rawStatus: string;
  /** 0–100, whether TokenBay sent `"50%"` or `50`. */
  progress: number;
  /** `generate`, or an editing action (which gets the longer deadline). */
  action: string;
  model: string | undefined;
  /** Absolute URL of the finished video, resolved against the base URL. */
  resultUrl: string | undefined;
  failReason: string | undefined;
  error: { message: string; code: string | undefined } | undefined;
  quota: number | undefined;
  times: {
    createdAt: number | undefined;
    submittedAt: number | undefined;
    startedAt: number | undefined;
    finishedAt: number | undefined;
    updatedAt: number | undefined;
  };
}

export function isTerminal(status: TaskStatus): boolean {
  return status === TASK_STATUS.success || status === TASK_STATUS.failure;
}

const unixSeconds = z.coerce.number().finite().optional().catch(undefined);

/** Loose schema for the query answer: every field optional, unknown ones ignored. */
export const taskBodySchema = z.object({
  id: z.string().optional(),
  task_id: z.string().optional(),
  status: z.string().optional(),
  progress: z.union([z.string(), z.number()]).optional(),
  action: z.string().optional(),
  model: z.string().optional(),
  result_url: z.string().optional(),
  fail_reason: z.string().optional(),
  error: z
    .object({ message: z.string().optional(), code: z.union([z.string(), z.number()]).optional() })
    .nullish(),
  quota: z.coerce.number().optional().catch(undefined),
  created_at: unixSeconds,
  submit_time: unixSeconds,
  start_time: unixSeconds,
  finish_time: unixSeconds,
  updated_at: unixSeconds,
});

export type TaskBody = z.infer<typeof taskBodySchema>;

/**
 * `"50%"`, `"50"`, `50` or `"12.5"`-style oddities → an integer 0–100. Garbage → 0. parseFloat reads
 * the number a text starts with (after spaces) and ignores what follows it, such as `%`.
 */
export function parseProgress(value: string | number | undefined): number {
  if (value === undefined) return 0;
  const number = typeof value === 'number' ? value : Number.parseFloat(value);
  if (!Number.isFinite(number)) return 0;
  return Math.min(100, Math.max(0, Math.round(number)));
}

export function normalizeTask(body: TaskBody, baseUrl: string, fallbackId: string): Task {
  const rawStatus = (body.status ?? '').toUpperCase();
  const status = (KNOWN_STATUSES.has(rawStatus) ? rawStatus : TASK_STATUS.unknown) as TaskStatus;
  const errorMessage = body.error?.message;
  return {
    id: body.task_id ?? body.id ?? fallbackId,
    status,
    rawStatus: body.status ?? '',
    progress: status === TASK_STATUS.success ? 100 : parseProgress(body.progress),
    action: body.action ?? 'generate',
    model: body.model,
    resultUrl: body.result_url ? new URL(body.result_url, withTrailingSlash(baseUrl)).toString() : undefined,
    failReason: body.fail_reason || errorMessage || undefined,
    error: errorMessage
      ? { message: errorMessage, code: body.error?.code === undefined ? undefined : String(body.error.code) }
      : undefined,
    quota: body.quota,
    times: {
      createdAt: body.created_at,
      submittedAt: body.submit_time,
      startedAt: body.start_time,
      finishedAt: body.finish_time,
      updatedAt: body.updated_at,
    },
  };
}

export function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
