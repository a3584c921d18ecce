import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusyError } from '../../functions/core/errors.js';
import { startWithinLimits } from '../../functions/core/usage/start-within-limits.js';
import { counterAt, counterKeys, scopeOf, UsageLedger } from '../../functions/core/usage/usage-ledger.js';
import { NO_LIMITS, type UsageLimits } from '../../functions/core/usage/usage-limits.js';
import { monthName, periodsAt, resetMoment, timeUntil } from '../../functions/core/usage/usage-period.js';
import type { WorkflowInput } from '../../functions/core/workflow/execution-state.js';
import { settleUsageStep } from '../../functions/core/workflow/settle-usage-step.js';
import type { TokenBayClient } from '../../functions/core/tokenbay/client.js';
import { request } from '../helpers/message-fixtures.js';

const NOW = Date.UTC(2026, 11, 31, 22, 30); // 31 December 2026, 22:30 UTC

describe('usage periods (UTC)', () => {
  it('ends the day at midnight and the month (and year) on the 1st', () => {
    const p = periodsAt(NOW);
    expect(p).toEqual({
      day: '2026-12-31',
      month: '2026-12',
      dayEndsAt: Date.UTC(2027, 0, 1),
      monthEndsAt: Date.UTC(2027, 0, 1),
    });
    expect([monthName(p.month), resetMoment(p.monthEndsAt)]).toEqual(['December', '1 January, 00:00 UTC']);
    expect(periodsAt(Date.UTC(2028, 1, 29, 12)).dayEndsAt).toBe(Date.UTC(2028, 2, 1)); // leap day
  });

  it('says how long until a reset the way people read it', () => {
    const at = (minutes: number) => timeUntil(NOW + minutes * 60_000, NOW);
    expect([at(0.5), at(40), at(60), at(90), at(5 * 24 * 60)]).toEqual([
      'in under a minute',
      'in 40 min',
      'in 1 h',
      'in 1 h 30 min',
      'in 5 days',
    ]);
  });
});

/**
 * The ledger's branches against a real DynamoDB API (dynalite, in memory), without the emulated
 * account: what the end-to-end suite cannot reach quickly (a start that fails after the
 * reservation, a retried settle).
 */
describe('the ledger against a DynamoDB server', () => {
  let server: Server;
  let client: DynamoDBClient;
  let ledger: UsageLedger;
  let n = 0;
  const table = 'usage-test';

  beforeAll(async () => {
    server = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    ledger = new UsageLedger(client, table);
  });
  afterAll(async () => {
    client?.destroy();
    await new Promise((resolve) => server?.close(resolve));
  });

  const command = (user: string): WorkflowInput => ({
    id: `exec-${++n}`,
    request: request('a fox'),
    replyTo: { platform: 'slack', responseUrl: 'https://hooks.slack.test/1', channelId: 'C1', teamId: 'T1' },
    requestedBy: { id: user, name: user.toLowerCase() },
    requestedAt: NOW,
  });
  const today = async (input: WorkflowInput) => {
    const k = counterKeys(scopeOf(input), periodsAt(NOW)).userDay;
    return counterAt(await ledger.read([k]), k);
  };
  const rows = async () => {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: table }));
    return Items.filter((i) => i.sk?.S === 'run').map((i) => i.pk?.S);
  };
  const start = (
    limits: UsageLimits,
    input: WorkflowInput,
    outcome: () => Promise<'started' | 'duplicate'>,
  ) => startWithinLimits({ ledger, limits, start: outcome, now: () => NOW }, input);

  /** SettleUsage's input for a run whose task ended (`ready` or `failed`) with its quota settled. */
  const settleEvent = (input: WorkflowInput, taskId: string, outcome: 'ready' | 'failed', quota: number) => ({
    ...input,
    task: {
      taskId,
      clipId: taskId.replace('_', '-').padEnd(22, 'A'),
      submittedAt: NOW + 1_000,
    },
    status: {
      outcome,
      rawStatus: outcome === 'ready' ? 'SUCCESS' : 'FAILURE',
      progress: outcome === 'ready' ? 100 : 40,
      action: 'generate',
      polls: 3,
      quota,
    },
  });
  /** TokenBay is never asked: the quota is known. (`ledger` is made in beforeAll, hence the getter.) */
  const deps = {
    get ledger() {
      return ledger;
    },
    tokenBay: { get: () => Promise.reject(new Error('not asked')) } as unknown as TokenBayClient,
    clock: { now: () => NOW + 60_000 },
  };

  it('a start that fails after the reservation gives everything back', async () => {
    const input = command('UFAIL');
    await expect(
      start({ ...NO_LIMITS, concurrentPerUser: 2 }, input, () => Promise.reject(new BusyError())),
    ).rejects.toThrow(BusyError);
    expect(await today(input)).toEqual({ videos: 0, quota: 0, running: 0 });
    expect(await rows()).not.toContain(`run#${input.id}`);
  });

  it('a redelivery starts nothing and holds nothing; the first delivery keeps its reservation', async () => {
    const first = command('UAGAIN');
    let starts = 0;
    const started = () => {
      starts++;
      return Promise.resolve('started' as const);
    };
    expect(await start(NO_LIMITS, first, started)).toBe('started');
    const redelivered = { ...first, requestedAt: NOW + 2_000 };
    expect(await start(NO_LIMITS, redelivered, started)).toBe('duplicate');
    expect(starts).toBe(1);
    expect(await today(first)).toEqual({ videos: 1, quota: 0, running: 1 });
  });

  it('a retried SettleUsage counts the run once, and frees its slot', async () => {
    const input = command('USETTLE');
    await start(NO_LIMITS, input, () => Promise.resolve('started'));
    const event = { ...settleEvent(input, 'task_1', 'ready', 8000), posted: { posted: true } };
    expect(await settleUsageStep(deps, event)).toEqual({ outcome: 'succeeded', quota: 8000, recorded: true });
    expect(await settleUsageStep(deps, event)).toEqual({
      outcome: 'succeeded',
      quota: 8000,
      recorded: false,
    });
    expect(await today(input)).toEqual({ videos: 1, quota: 8000, running: 0 });
    const keys = counterKeys(scopeOf(input), periodsAt(NOW));
    const counters = await ledger.read([keys.userMonth, keys.teamMonth]);
    expect([counterAt(counters, keys.userMonth), counterAt(counters, keys.teamMonth)]).toEqual([
      { videos: 1, quota: 8000, running: 0 },
      { videos: 1, quota: 8000, running: 0 },
    ]);
  });

  it('two settles of one run that overlap: exactly one records the outcome, and the run is counted once', async () => {
    // A channel and workspace of its own, so that every counter this run moves starts at zero.
    const input: WorkflowInput = {
      ...command('UOVERLAP'),
      replyTo: {
        platform: 'slack',
        responseUrl: 'https://hooks.slack.test/2',
        channelId: 'C9',
        teamId: 'T9',
      },
    };
    await start(NO_LIMITS, input, () => Promise.resolve('started'));
    const event = settleEvent(input, 'task_2', 'failed', 500);
    const both = await Promise.all([settleUsageStep(deps, event), settleUsageStep(deps, event)]);
    expect(both.map((s) => s.recorded).sort()).toEqual([false, true]);
    expect(both.map((s) => s.outcome)).toEqual(['failed', 'failed']);
    expect(await today(input)).toEqual({ videos: 1, quota: 500, running: 0 });
    const keys = counterKeys(scopeOf(input), periodsAt(NOW));
    const counters = await ledger.read(Object.values(keys));
    for (const k of Object.values(keys).filter((k) => k !== keys.userDay))
      expect(counterAt(counters, k), k.pk).toEqual({ videos: 1, quota: 500, running: 0 });
    expect(await ledger.getRun(input.id)).toMatchObject({ outcome: 'failed', quota: 500, taskId: 'task_2' });
  });
});
