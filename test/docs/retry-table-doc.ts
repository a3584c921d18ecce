import { readFile } from 'node:fs/promises';
import { format, resolveConfig } from 'prettier';
import {
  IN_FUNCTION_RETRY,
  STATE_RETRY,
  type InFunctionRetry,
  type StateRetry,
} from '../../functions/core/retry-policy.js';

/**
 * The error and retry tables of docs/ARCHITECTURE.md, rendered from functions/core/retry-policy.ts:
 * the page holds them between the two markers below, `npm run docs:architecture` writes them, and
 * test/docs/retry-table-doc.test.ts fails when the page and the table disagree.
 */
export const RETRY_TABLE_START =
  '<!-- retry-table: generated from functions/core/retry-policy.ts by `npm run docs:architecture` -->';
export const RETRY_TABLE_END = '<!-- /retry-table -->';

export const ARCHITECTURE_DOC = new URL('../../docs/ARCHITECTURE.md', import.meta.url);

const code = (name: string) => `\`${name}\``;
const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

function stateWaits(row: StateRetry): string {
  const first = row.intervalSeconds === 'poll' ? 'the poll interval' : `${row.intervalSeconds} s`;
  const growth = row.backoffRate === 1 ? '' : `, ×${row.backoffRate}`;
  const cap = row.maxDelaySeconds === undefined ? '' : ` up to ${row.maxDelaySeconds} s`;
  const jitter = row.jitter === 'FULL' ? ', full jitter' : '';
  return `${row.maxAttempts}, from ${first}${growth}${cap}${jitter}`;
}

function functionWaits(row: InFunctionRetry): string {
  if (row.honoursRetryAfter && row.firstWaitMs === 0) return `as asked, at most ${seconds(row.maxWaitMs)}`;
  if (row.maxWaitMs === 0) return 'at once';
  const growth = row.backoffRate === 1 ? '' : `, ×${row.backoffRate} up to ${seconds(row.maxWaitMs)}`;
  const jitter = row.jitter === 'equal' ? ', equal jitter' : '';
  const backoff = `${seconds(row.firstWaitMs)}${growth}${jitter}`;
  return row.honoursRetryAfter ? `as asked (\`Retry-After\`), else ${backoff}` : backoff;
}

function functionLimit(row: InFunctionRetry): string {
  const limit =
    row.budgetMs !== undefined
      ? `within ${seconds(row.budgetMs)}`
      : row.maxRetries !== undefined
        ? `${row.maxRetries} ${row.maxRetries === 1 ? 'retry' : 'retries'}`
        : 'until the generation deadline';
  return `${limit}; then ${row.then}`;
}

/** The two tables, as markdown (before formatting). */
export function renderRetryTables(): string {
  const stateRows = Object.values(STATE_RETRY as Record<string, StateRetry>).map(
    (row) =>
      `| ${row.states} | ${row.errors.map(code).join(', ')}: ${row.why} | ${stateWaits(row)} | ${row.never} |`,
  );
  const functionRows = Object.values(IN_FUNCTION_RETRY as Record<string, InFunctionRetry>).map(
    (row) => `| ${row.where} | ${row.on} | ${functionWaits(row)} | ${functionLimit(row)} |`,
  );
  return [
    'In the state machine (each Task’s Retry list, in this order):',
    '',
    '| state | retried on, and why it is safe | retries (MaxAttempts), waits | never retried |',
    '| --- | --- | --- | --- |',
    ...stateRows,
    '',
    'Inside functions, where the state machine cannot wait:',
    '',
    '| where | waits after | wait | limit |',
    '| --- | --- | --- | --- |',
    ...functionRows,
  ].join('\n');
}

/** The block as it must appear in the page: between the markers, formatted as Prettier formats the page. */
export async function renderRetryTableBlock(): Promise<string> {
  const options = (await resolveConfig(ARCHITECTURE_DOC)) ?? {};
  const table = await format(renderRetryTables(), { ...options, parser: 'markdown' });
  return `${RETRY_TABLE_START}\n\n${table.trimEnd()}\n\n${RETRY_TABLE_END}`;
}

/** The page's current block, markers included (or an error naming what is missing). */
export async function currentRetryTableBlock(): Promise<{ page: string; block: string }> {
  const page = await readFile(ARCHITECTURE_DOC, 'utf8');
  const start = page.indexOf(RETRY_TABLE_START);
  const end = page.indexOf(RETRY_TABLE_END);
  if (start < 0 || end < start) throw new Error('docs/ARCHITECTURE.md has lost its retry-table markers');
  return { page, block: page.slice(start, end + RETRY_TABLE_END.length) };
}
