import { CreateTableCommand, DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformWords } from '../../bots/platforms.js';
import { BusyError } from '../../functions/core/errors.js';
import { startWithinLimits } from '../../functions/core/usage/start-within-limits.js';
import {
  counterAt,
  counterKeys,
  runFromItem,
  scopeOf,
  UsageLedger,
} from '../../functions/core/usage/usage-ledger.js';
import { NO_LIMITS, type UsageLimits } from '../../functions/core/usage/usage-limits.js';
import { monthName, periodsAt, resetMoment, timeUntil } from '../../functions/core/usage/usage-period.js';
import type { WorkflowInput } from '../../functions/core/chat/accepted-command.js';
import { usageReport } from '../../functions/core/usage/usage-report.js';
import { HISTORY_INDEX } from '../../functions/core/usage/history-index.js';
import { historyReport } from '../../functions/core/usage/usage-history.js';
import { cancelVideo } from '../../functions/core/ingress/cancel-video.js';
import { settleUsageStep } from '../../functions/core/workflow/settle-usage-step.js';
import { runEndedStep } from '../../functions/core/workflow/run-ended-step.js';
import type { FailureReport, Notifier } from '../../functions/core/notify/notifier.js';
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
          { AttributeName: 'requestedAt', AttributeType: 'N' },
          ...Object.values(HISTORY_INDEX).map((index) => ({
            AttributeName: index.partitionKey,
            AttributeType: 'S' as const,
          })),
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        // As the stack declares them (infra/clipbay-stack.ts).
        GlobalSecondaryIndexes: Object.values(HISTORY_INDEX).map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
            { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
          ],
          Projection: { ProjectionType: 'ALL' as const },
        })),
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
    replyTo: {
      platform: 'slack',
      responseUrl: 'https://hooks.slack.test/1',
      channelId: 'C1',
      workspaceId: 'T1',
    },
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
  ) => startWithinLimits({ ledger, limits, start: outcome, words: platformWords, now: () => NOW }, input);

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
  /** The same, at the end of a task whose quota TokenBay had not settled yet. */
  const withoutQuota = (input: WorkflowInput, taskId: string, outcome: 'ready' | 'failed') => {
    const event = settleEvent(input, taskId, outcome, 0);
    const { quota: _settledLater, ...status } = event.status;
    return { ...event, status };
  };
  /** A TokenBay that answers every query with this quota, and notes which tasks it was asked about. */
  const tokenBayAnswering = (quota: number, asked: string[]) =>
    ({
      get: (taskId: string) => {
        asked.push(taskId);
        return Promise.resolve({ quota });
      },
    }) as unknown as TokenBayClient;
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

  it("claims a run's one clip upload once, even when two attempts claim together, and never for a run it has no row of", async () => {
    const input = command('UCLAIM');
    expect(await start(NO_LIMITS, input, () => Promise.resolve('started'))).toBe('started');
    const claims = await Promise.all([
      ledger.claimClipUpload(input.id, NOW),
      ledger.claimClipUpload(input.id, NOW + 1),
    ]);
    expect(claims.sort()).toEqual([false, true]);
    expect(await ledger.claimClipUpload(input.id, NOW + 2)).toBe(false);
    expect(await ledger.claimClipUpload('exec-never-opened', NOW)).toBe(false);
    expect(await rows()).not.toContain('run#exec-never-opened');
  });

  it("keeps the run's message once a step posted it anew, and none for a run it has no row of", async () => {
    const input = command('UMESSAGE');
    await start(NO_LIMITS, input, () => Promise.resolve('started'));
    expect(await ledger.runMessage(input.id)).toBeUndefined();
    await ledger.recordRunMessage(input.id, '1733312400.000100');
    expect(await ledger.runMessage(input.id)).toBe('1733312400.000100');
    // Recorded beside the row's own facts, which stay as they were.
    expect(await ledger.getRun(input.id)).toMatchObject({ executionId: input.id, outcome: 'running' });
    await ledger.recordRunMessage('exec-never-opened', 'channel:1');
    expect(await ledger.runMessage('exec-never-opened')).toBeUndefined();
    expect(await rows()).not.toContain('run#exec-never-opened');
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

  it('/video usage agrees with itself at every moment: a run in progress shows in the day and the month alike', async () => {
    const input = command('UAGREE');
    const report = () =>
      usageReport({ ledger, limits: NO_LIMITS, words: platformWords, now: () => NOW }, scopeOf(input));
    const lines = async () =>
      (await report()).split('\n').filter((line) => /^• (Today|December):/.test(line));
    expect(await lines()).toEqual(['• Today: 0 videos, quota 0', '• December: 0 videos, quota 0']);

    await start(NO_LIMITS, input, () => Promise.resolve('started'));
    // Counted in the day at the start, in the month at the settle: in between, both say so.
    expect(await lines()).toEqual([
      '• Today: 1 video (1 in progress), quota 0',
      '• December: 1 video (1 in progress), quota 0',
    ]);

    await settleUsageStep(deps, {
      ...settleEvent(input, 'task_agree', 'ready', 40),
      posted: { posted: true },
    });
    expect(await lines()).toEqual(['• Today: 1 video, quota 40', '• December: 1 video, quota 40']);

    // A run closed outside the workflow (stopped, cancelled) counts in the month as in the day.
    const stopped = command('UAGREE');
    await start(NO_LIMITS, stopped, () => Promise.resolve('started'));
    await runEndedStep(
      {
        ledger,
        notifier: { failed: () => Promise.resolve() } as unknown as Notifier,
        clock: { now: () => NOW },
      },
      {
        'detail-type': 'Step Functions Execution Status Change',
        source: 'aws.states',
        detail: {
          executionArn: `arn:${stopped.id}`,
          name: stopped.id,
          status: 'ABORTED',
          input: JSON.stringify(stopped),
        },
      },
    );
    expect(await lines()).toEqual(['• Today: 2 videos, quota 40', '• December: 2 videos, quota 40']);
  });

  describe('/video history: one Query of an index, newest first', () => {
    const inChannel = (user: string, channel: string, prompt: string, at: number): WorkflowInput => ({
      ...command(user),
      request: request(prompt),
      replyTo: {
        platform: 'slack',
        responseUrl: 'https://hooks.slack.test/h',
        channelId: channel,
        workspaceId: 'THIST',
      },
      requestedAt: at,
    });
    const history = (input: WorkflowInput, all = false, admins: string[] = []) =>
      historyReport(
        { ledger, limits: { admins }, shareBaseUrl: 'https://clips.example/' },
        scopeOf(input),
        all,
      );

    it('lists your last 10 clips with when, model, the prompt’s start, how it ended and the share link', async () => {
      const runs = Array.from({ length: 12 }, (_, i) =>
        inChannel(
          'UHIST',
          i % 2 ? 'CH1' : 'CH2',
          `clip number ${i} of a long series about a heron that fishes at dawn`,
          NOW - (12 - i) * 60_000,
        ),
      );
      for (const run of runs) await start(NO_LIMITS, run, () => Promise.resolve('started'));
      const newest = runs.at(-1)!;
      await settleUsageStep(deps, {
        ...settleEvent(newest, 'task_hist', 'ready', 10),
        task: { taskId: 'task_hist', clipId: 'AbCdEfGhIjKlMnOpQrStUv', submittedAt: NOW },
        posted: { posted: true },
      });
      const lines = (await history(newest)).split('\n');
      expect(lines[0]).toBe('Your last 10 clips:');
      expect(lines).toHaveLength(11);
      expect(lines[1]).toBe(
        '• 31 Dec 22:29 UTC · veo-3.1-generate-preview · “clip number 11 of a long series about a…” · done https://clips.example/v/AbCdEfGhIjKlMnOpQrStUv',
      );
      expect(lines[2]).toContain('“clip number 10 of a long series about a…” · in progress');
      expect(lines.at(-1)).toContain('clip number 2 '); // 0 and 1 are past the last 10
      // Someone else in the same workspace sees none of them.
      expect(await history(inChannel('UOTHER', 'CH1', 'x', NOW))).toBe('You have not made a clip here yet.');
    });

    it('--all lists the channel’s, with who made each, for CLIPBAY_ADMINS only', async () => {
      const asker = inChannel('UBOSS', 'CH1', 'x', NOW);
      expect(await history(asker, true)).toBe(
        'Only clipbay admins (CLIPBAY_ADMINS) can see the whole channel’s history. `/video history` shows yours.',
      );
      const lines = (await history(asker, true, ['UBOSS'])).split('\n');
      expect(lines[0]).toBe("This channel's last 6 clips:");
      expect(lines.slice(1).every((line) => line.includes(' · uhist · '))).toBe(true);
      expect(lines.slice(1).every((line) => /clip number \d*[13579] /.test(line))).toBe(true); // CH1's only
    });
  });

  it('Cancel pressed as the run settles: the settled outcome stays, and nothing is stopped', async () => {
    const input = command('URACE');
    await start(NO_LIMITS, input, () => Promise.resolve('started'));
    await settleUsageStep(deps, { ...settleEvent(input, 'task_race', 'ready', 5), posted: { posted: true } });
    const stopped: string[] = [];
    const outcome = await cancelVideo(input.id, input.requestedBy, {
      // Step Functions had not yet marked the execution ended when the press read it.
      findRun: () => Promise.resolve({ running: true, input }),
      stopRun: (id) => Promise.resolve(void stopped.push(id)),
      ledger,
      admins: [],
      now: () => NOW,
    });
    expect(outcome).toEqual({
      kind: 'private',
      text: 'That video already finished: there is nothing to cancel.',
    });
    expect(stopped).toEqual([]);
    expect(await ledger.getRun(input.id)).toMatchObject({ outcome: 'succeeded' });
  });

  it('Cancel after TokenBay settled the task (the clip was being saved): the row and the month keep its quota', async () => {
    const input: WorkflowInput = {
      ...command('UCANCELQ'),
      replyTo: {
        platform: 'slack',
        responseUrl: 'https://hooks.slack.test/3',
        channelId: 'C8',
        workspaceId: 'T8',
      },
    };
    await start(NO_LIMITS, input, () => Promise.resolve('started'));
    const stopped: string[] = [];
    const cancelDeps = {
      findRun: () => Promise.resolve({ running: true, input }),
      stopRun: (id: string) => Promise.resolve(void stopped.push(id)),
      ledger,
      admins: [],
      now: () => NOW,
    };
    const outcome = await cancelVideo(input.id, input.requestedBy, {
      ...cancelDeps,
      findTask: () => Promise.resolve({ taskId: 'task_q', submittedAt: NOW - 60_000, quota: 300 }),
    });
    expect(outcome).toEqual({
      kind: 'cancelled',
      text: 'Cancelled by ucancelq. TokenBay had already finished the task and charged 300 quota for it.',
    });
    expect(stopped).toEqual([input.id]);
    expect(await ledger.getRun(input.id)).toMatchObject({
      outcome: 'cancelled',
      quota: 300,
      taskId: 'task_q',
    });
    const keys = counterKeys(scopeOf(input), periodsAt(NOW));
    const counters = await ledger.read(Object.values(keys));
    expect(counterAt(counters, keys.userDay)).toEqual({ videos: 1, quota: 300, running: 0 });
    for (const k of Object.values(keys).filter((k) => k !== keys.userDay))
      expect(counterAt(counters, k), k.pk).toEqual({ videos: 1, quota: 300, running: 0 });

    // Its history unreadable: the run is still cancelled, its quota unknown, and the message says so.
    const other = command('UCANCELQ2');
    await start(NO_LIMITS, other, () => Promise.resolve('started'));
    const unknown = await cancelVideo(other.id, other.requestedBy, {
      ...cancelDeps,
      findRun: () => Promise.resolve({ running: true, input: other }),
      findTask: () => Promise.reject(new Error('AccessDenied')),
    });
    expect(unknown.text).toBe(
      'Cancelled by ucancelq2. TokenBay cannot stop a task it has started, so it may still be charged.',
    );
    const cancelled = await ledger.getRun(other.id);
    expect({ outcome: cancelled?.outcome, quota: cancelled?.quota }).toEqual({
      outcome: 'cancelled',
      quota: undefined,
    });
  });

  it('two settles of one run that overlap: exactly one records the outcome, and the run is counted once', async () => {
    // A channel and workspace of its own, so that every counter this run moves starts at zero.
    const input: WorkflowInput = {
      ...command('UOVERLAP'),
      replyTo: {
        platform: 'slack',
        responseUrl: 'https://hooks.slack.test/2',
        channelId: 'C9',
        workspaceId: 'T9',
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

  it('asks TokenBay once for a quota not settled at the end, and records it unknown when that fails', async () => {
    const asked: string[] = [];
    const answering = tokenBayAnswering(640, asked);
    const late = command('ULATE');
    await start(NO_LIMITS, late, () => Promise.resolve('started'));
    expect(
      await settleUsageStep({ ...deps, ledger, tokenBay: answering }, withoutQuota(late, 'task_4', 'failed')),
    ).toEqual({ outcome: 'failed', quota: 640, recorded: true });
    expect(asked).toEqual(['task_4']);
    expect(await ledger.getRun(late.id)).toMatchObject({ quota: 640 });

    // TokenBay unreachable: told once, recorded as unknown (null), counted as 0.
    const unknown = command('UUNKNOWN');
    await start(NO_LIMITS, unknown, () => Promise.resolve('started'));
    const failures: unknown[] = [];
    const down = { get: () => Promise.reject(new Error('down')) } as unknown as TokenBayClient;
    expect(
      await settleUsageStep(
        { ...deps, ledger, tokenBay: down, onQuotaUnavailable: (e) => failures.push(e) },
        withoutQuota(unknown, 'task_5', 'ready'),
      ),
    ).toEqual({ outcome: 'error', quota: null, recorded: true });
    expect(failures).toHaveLength(1);
    // A negative quota from TokenBay is no quota.
    const negative = command('UNEGATIVE');
    await start(NO_LIMITS, negative, () => Promise.resolve('started'));
    const odd = { get: () => Promise.resolve({ quota: -1 }) } as unknown as TokenBayClient;
    expect(
      await settleUsageStep({ ...deps, ledger, tokenBay: odd }, withoutQuota(negative, 'task_6', 'failed')),
    ).toMatchObject({ quota: null });
  });

  it('records a deadline as timed-out without asking TokenBay, a settled 0 as 0, and writes no empty counter', async () => {
    const asked: string[] = [];
    const tokenBay = tokenBayAnswering(0, asked);
    const settleWith = (event: unknown) => settleUsageStep({ ...deps, ledger, tokenBay }, event);
    const started = async (user: string) => {
      const input = command(user);
      await start(NO_LIMITS, input, () => Promise.resolve('started'));
      return input;
    };
    const noQuota = (input: WorkflowInput, outcome: 'ready' | 'failed') =>
      withoutQuota(input, `task_${input.requestedBy.id}`, outcome);

    // Stopped waiting (timed-out): there is no settled quota to ask for.
    const waited = await started('UWAITED');
    const timedOut = { ...noQuota(waited, 'ready').status, outcome: 'timed-out' };
    expect(await settleWith({ ...noQuota(waited, 'ready'), status: timedOut })).toEqual({
      outcome: 'timed-out',
      quota: null,
      recorded: true,
    });
    // The deadline as an error caught from a step reads the same.
    const deadline = await started('UDEADLINE');
    expect(
      await settleWith({
        ...settleEvent(deadline, 'task_d', 'ready', 5),
        status: undefined,
        error: { Error: 'DeadlineExceededError', Cause: 'late' },
      }),
    ).toMatchObject({ outcome: 'timed-out' });
    expect(asked).toEqual([]);

    // TokenBay settled the task at 0: that is a quota (asked once), not an unknown one.
    const free = await started('UFREE');
    expect(await settleWith(noQuota(free, 'failed'))).toEqual({
      outcome: 'failed',
      quota: 0,
      recorded: true,
    });
    expect(asked).toEqual(['task_UFREE']);
    expect(await ledger.getRun(free.id)).toMatchObject({ quota: 0 });

    // A run with no task gives the user's day back and writes nothing to the other counters.
    const refused: WorkflowInput = {
      ...command('UREFUSED'),
      replyTo: {
        platform: 'slack',
        responseUrl: 'https://hooks.slack.test/3',
        channelId: 'CEMPTY',
        workspaceId: 'TEMPTY',
      },
    };
    await start(NO_LIMITS, refused, () => Promise.resolve('started'));
    expect(await today(refused)).toMatchObject({ videos: 1, running: 1 });
    expect(await settleWith({ ...refused, error: { Error: 'TokenBayRejectedError', Cause: 'no' } })).toEqual({
      outcome: 'error',
      quota: null,
      recorded: true,
    });
    expect(await today(refused)).toEqual({ videos: 0, quota: 0, running: 0 });
    const { Items = [] } = await client.send(new ScanCommand({ TableName: table }));
    expect(Items.map((i) => i.pk?.S).filter((pk) => /^(channel|team)#.*EMPTY/.test(pk ?? ''))).toEqual([]);
  });

  describe('the limits at the start, against the ledger', () => {
    let workspaces = 0;
    /** A command from a workspace and channel of its own: every counter it moves starts at zero. */
    const alone = (user: string): WorkflowInput => {
      const workspace = `TL${++workspaces}`;
      return {
        ...command(user),
        replyTo: {
          platform: 'slack',
          responseUrl: 'https://hooks.slack.test/l',
          channelId: `C${workspace}`,
          workspaceId: workspace,
        },
      };
    };
    const again = (input: WorkflowInput): WorkflowInput => ({
      ...command(input.requestedBy.id),
      replyTo: input.replyTo,
    });
    const started = () => Promise.resolve('started' as const);
    const refusedWith = (message: string) => expect.objectContaining({ name: 'LimitReachedError', message });
    const dayRefusal = (n: number, videos: string) =>
      `You have started ${n} ${videos} today, the most allowed per day (LIMIT_VIDEOS_PER_USER_PER_DAY). It resets at 00:00 UTC, in 1 h 30 min.`;
    const runningRefusal = (n: number, videos: string) =>
      `You already have ${n} ${videos} in progress, the most allowed at once (LIMIT_CONCURRENT_PER_USER). Try again when one of them is posted.`;

    it('LIMIT_VIDEOS_PER_USER_PER_DAY: the next command is refused, and the refusal takes nothing', async () => {
      const first = alone('UDAY1');
      const limits = { ...NO_LIMITS, videosPerUserPerDay: 1 };
      expect(await start(limits, first, started)).toBe('started');
      const next = again(first);
      await expect(start(limits, next, started)).rejects.toThrow(refusedWith(dayRefusal(1, 'video')));
      expect(await today(first)).toEqual({ videos: 1, quota: 0, running: 1 });
      expect(await ledger.getRun(next.id)).toBeUndefined();
      expect(await ledger.getRun(first.id)).toMatchObject({ outcome: 'running' });

      const two = { ...NO_LIMITS, videosPerUserPerDay: 2 };
      const other = alone('UDAY2');
      await start(two, other, started);
      await start(two, again(other), started);
      await expect(start(two, again(other), started)).rejects.toThrow(refusedWith(dayRefusal(2, 'videos')));
    });

    it('LIMIT_CONCURRENT_PER_USER: refused while the slots are held, started again once one is freed', async () => {
      const first = alone('URUN1');
      const limits = { ...NO_LIMITS, concurrentPerUser: 1 };
      await start(limits, first, started);
      await expect(start(limits, again(first), started)).rejects.toThrow(
        refusedWith(runningRefusal(1, 'video')),
      );
      await settleUsageStep(deps, {
        ...settleEvent(first, 'task_run1', 'ready', 7),
        posted: { posted: true },
      });
      expect(await start(limits, again(first), started)).toBe('started');

      const two = { ...NO_LIMITS, concurrentPerUser: 2 };
      const other = alone('URUN2');
      await start(two, other, started);
      await start(two, again(other), started);
      await expect(start(two, again(other), started)).rejects.toThrow(
        refusedWith(runningRefusal(2, 'videos')),
      );
    });

    it('with both limits, the refusal names the one that is reached', async () => {
      const both = (videosPerUserPerDay: number, concurrentPerUser: number) => ({
        ...NO_LIMITS,
        videosPerUserPerDay,
        concurrentPerUser,
      });
      const busy = alone('UBOTH1');
      await start(both(3, 1), busy, started);
      await expect(start(both(3, 1), again(busy), started)).rejects.toThrow(
        refusedWith(runningRefusal(1, 'video')),
      );
      const full = alone('UBOTH2');
      await start(both(1, 5), full, started);
      await expect(start(both(1, 5), again(full), started)).rejects.toThrow(
        refusedWith(dayRefusal(1, 'video')),
      );
    });

    it('names the day when only the day is limited, even if an undo moved the count after the refusal', async () => {
      const first = alone('URACEDAY');
      const limits = { ...NO_LIMITS, videosPerUserPerDay: 1 };
      await start(limits, first, started);
      // The refusal reads the day back; another command's undo has just taken its video out.
      const movedOn = Object.assign(Object.create(ledger) as UsageLedger, {
        read: (keys: Parameters<UsageLedger['read']>[0]) =>
          ledger.read(keys).then((found) => new Map([...found].map(([k, c]) => [k, { ...c, videos: 0 }]))),
      });
      await expect(
        startWithinLimits(
          { ledger: movedOn, limits, start: started, words: platformWords, now: () => NOW },
          again(first),
        ),
      ).rejects.toThrow(refusedWith(dayRefusal(1, 'video')));
    });

    it('LIMIT_QUOTA_PER_MONTH: refused once the workspace’s month has spent it, not before', async () => {
      const first = alone('UQUOTA');
      const limits = { ...NO_LIMITS, quotaPerMonth: 40_000 };
      const { teamMonth } = counterKeys(scopeOf(first), periodsAt(NOW));
      await ledger.addToCounter(teamMonth, { videos: 3, quota: 39_999 }, Math.floor(NOW / 1000) + 86_400);
      expect(await start(limits, first, started)).toBe('started');
      await ledger.addToCounter(teamMonth, { quota: 1 }, Math.floor(NOW / 1000) + 86_400);
      const next = again(first);
      await expect(start(limits, next, started)).rejects.toThrow(
        refusedWith(
          'This workspace has used its TokenBay quota for December: 40,000 of 40,000 (LIMIT_QUOTA_PER_MONTH). It resets on 1 January, 00:00 UTC.',
        ),
      );
      expect(await today(first)).toEqual({ videos: 1, quota: 0, running: 1 });
      expect(await ledger.getRun(next.id)).toBeUndefined();
    });

    it('ALLOWED_CHANNELS: refused anywhere else, before the ledger is touched', async () => {
      const input = alone('UCHANNEL');
      const limits = { ...NO_LIMITS, allowedChannels: ['CELSEWHERE'] };
      await expect(start(limits, input, started)).rejects.toThrow(
        refusedWith(
          'Videos cannot be made in this channel. Ask a clipbay admin to add it to ALLOWED_CHANNELS, or use a channel where clipbay is allowed.',
        ),
      );
      expect(await today(input)).toEqual({ videos: 0, quota: 0, running: 0 });
      expect(await start({ ...NO_LIMITS, allowedChannels: [input.replyTo.channelId] }, input, started)).toBe(
        'started',
      );
    });

    it('an execution that exists already (a duplicate start) holds nothing twice', async () => {
      const input = alone('UDUPSTART');
      expect(await start(NO_LIMITS, input, () => Promise.resolve('duplicate'))).toBe('duplicate');
      expect(await today(input)).toEqual({ videos: 0, quota: 0, running: 0 });
      expect(await ledger.getRun(input.id)).toBeUndefined();
    });

    it('a redelivery leaves the first delivery’s row as it was', async () => {
      const first = alone('UREDELIVER');
      await start(NO_LIMITS, first, started);
      expect(await start(NO_LIMITS, { ...first, requestedAt: NOW + 1 }, started)).toBe('duplicate');
      expect(await ledger.getRun(first.id)).toMatchObject({
        outcome: 'running',
        requesterName: 'uredeliver',
      });
    });

    it('a ledger call that fails refuses as busy (with its cause) and gives back what the others took', async () => {
      const input = alone('ULEDGERDOWN');
      const down = new Error('ProvisionedThroughputExceededException');
      const failing = Object.assign(Object.create(ledger) as UsageLedger, {
        read: () => Promise.reject(down),
      });
      const attempt = startWithinLimits(
        {
          ledger: failing,
          limits: { ...NO_LIMITS, quotaPerMonth: 10 },
          start: started,
          words: platformWords,
          now: () => NOW,
        },
        input,
      );
      await expect(attempt).rejects.toThrow(BusyError);
      await expect(attempt).rejects.toMatchObject({ cause: down });
      expect(await today(input)).toEqual({ videos: 0, quota: 0, running: 0 });
      expect(await ledger.getRun(input.id)).toBeUndefined();
    });
  });

  describe('what the ledger writes and reads', () => {
    /** The run's row as DynamoDB holds it. */
    const rawRun = async (executionId: string) =>
      (
        await client.send(
          new GetItemCommand({
            TableName: table,
            Key: { pk: { S: `run#${executionId}` }, sk: { S: 'run' } },
          }),
        )
      ).Item!;

    it('keeps a prompt’s first 120 characters, and the row 400 days', async () => {
      const input = { ...command('UPROMPT'), request: request('a heron '.repeat(40)) };
      await start(NO_LIMITS, input, () => Promise.resolve('started'));
      expect((await ledger.getRun(input.id))!.prompt).toBe('a heron '.repeat(40).slice(0, 120));
      expect((await rawRun(input.id)).expiresAt).toEqual({
        N: String(Math.floor(NOW / 1000) + 400 * 86_400),
      });
    });

    it('closes a row with whether the quota is known, and no tellPending unless asked', async () => {
      const known = command('UKNOWN');
      await start(NO_LIMITS, known, () => Promise.resolve('started'));
      await settleUsageStep(deps, { ...settleEvent(known, 'task_k', 'ready', 12), posted: { posted: true } });
      expect((await rawRun(known.id)).quotaKnown).toEqual({ BOOL: true });
      expect((await ledger.getRun(known.id))!.tellPending).toBeUndefined();
      const unknown = command('UNKNOWNQ');
      await start(NO_LIMITS, unknown, () => Promise.resolve('started'));
      await ledger.closeRun(unknown.id, { outcome: 'stopped', finishedAt: NOW, quota: undefined });
      expect((await rawRun(unknown.id)).quotaKnown).toEqual({ BOOL: false });
    });

    it('reads a run and its message strongly consistent, and starts without reading a counter when no quota is limited', async () => {
      const sent: { command: string; input: Record<string, unknown> }[] = [];
      const recording = new DynamoDBClient({
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      recording.middlewareStack.add(
        (next, context) => (args) => {
          sent.push({ command: context.commandName!, input: args.input as Record<string, unknown> });
          return next(args);
        },
        { step: 'initialize' },
      );
      const recorded = new UsageLedger(recording, table);
      const input = command('URECORD');
      await startWithinLimits(
        {
          ledger: recorded,
          limits: NO_LIMITS,
          start: () => Promise.resolve('started'),
          words: platformWords,
          now: () => NOW,
        },
        input,
      );
      expect(sent.map((c) => c.command).sort()).toEqual(['PutItemCommand', 'UpdateItemCommand']);
      await recorded.getRun(input.id);
      expect(sent.at(-1)).toMatchObject({ command: 'GetItemCommand', input: { ConsistentRead: true } });
      // The run's message too: the step that recorded it may have ended a moment ago.
      await recorded.runMessage(input.id);
      expect(sent.at(-1)).toMatchObject({ command: 'GetItemCommand', input: { ConsistentRead: true } });
      recording.destroy();
    });

    it('refuses as errors what is not a failed condition: a missing table', async () => {
      const missing = new UsageLedger(client, 'no-such-table');
      const run = {
        executionId: 'exec-missing',
        scope: scopeOf(command('UMISSING')),
        requesterName: 'u',
        model: 'm',
        durationSeconds: 8,
        requestedAt: NOW,
        outcome: 'running',
      };
      const notFound = { name: 'ResourceNotFoundException' };
      await expect(missing.openRun(run)).rejects.toMatchObject(notFound);
      await expect(
        missing.closeRun(run.executionId, { outcome: 'stopped', finishedAt: NOW }),
      ).rejects.toMatchObject(notFound);
      const k = { pk: 'user#x', sk: 'day#2026-12-31' };
      await expect(missing.reserve(k, 't', 1, { maxVideos: 1 })).rejects.toMatchObject(notFound);
      await expect(
        missing.addToCounter(k, { videos: 1 }, 1, { attribute: 'videos', below: 1 }),
      ).rejects.toMatchObject(notFound);
      await expect(missing.addToCounter(k, { videos: 1 }, 1)).rejects.toMatchObject(notFound);
      await expect(missing.claimClipUpload(run.executionId, NOW)).rejects.toMatchObject(notFound);
      await expect(missing.recordRunMessage(run.executionId, '1.000100')).rejects.toMatchObject(notFound);
    });

    it('adds to a counter under a condition, only what is not zero, and can move its expiry alone', async () => {
      const k = { pk: 'team#slack#TCOUNTER', sk: 'month#2026-12' };
      const raw = async () =>
        (
          await client.send(
            new GetItemCommand({ TableName: table, Key: { pk: { S: k.pk }, sk: { S: k.sk } } }),
          )
        ).Item!;
      const below2 = { attribute: 'videos' as const, below: 2 };
      expect(await ledger.addToCounter(k, { videos: 1, quota: 0 }, 100, below2)).toBe(true);
      expect(await raw()).not.toHaveProperty('quota');
      expect(await ledger.addToCounter(k, { videos: 1, quota: undefined }, 100, below2)).toBe(true);
      expect(await ledger.addToCounter(k, { videos: 1 }, 100, below2)).toBe(false);
      expect(counterAt(await ledger.read([k]), k)).toEqual({ videos: 2, quota: 0, running: 0 });
      expect(await ledger.addToCounter(k, {}, 200)).toBe(true);
      expect((await raw()).expiresAt).toEqual({ N: '200' });
    });

    it('keeps day counters 40 days after their day, other counters 400 days after their month', () => {
      const end = Date.UTC(2027, 0, 1);
      expect(ledger.counterExpiry({ pk: 'user#x', sk: 'day#2026-12-31' }, end)).toBe(
        end / 1000 + 40 * 86_400,
      );
      expect(ledger.counterExpiry({ pk: 'user#x', sk: 'month#2026-12' }, end + 999)).toBe(
        end / 1000 + 400 * 86_400,
      );
      expect(ledger.counterExpiry({ pk: 'day#x', sk: 'month#2026-12' }, end)).toBe(end / 1000 + 400 * 86_400);
    });

    it('reads a row with nothing in it as empty, and a direct message as the workspace "dm"', () => {
      expect(runFromItem({})).toEqual({
        executionId: '',
        scope: { platform: '', workspace: '', channel: '', user: '' },
        requesterName: '',
        model: '',
        durationSeconds: 0,
        requestedAt: 0,
        outcome: '',
        quota: undefined,
        taskId: undefined,
        submittedAt: undefined,
        finishedAt: undefined,
      });
      const { workspaceId: _none, ...dm } = command('UDM').replyTo;
      expect(scopeOf({ replyTo: dm, requestedBy: { id: 'UDM', name: 'udm' } })).toEqual({
        platform: 'slack',
        workspace: 'dm',
        channel: 'C1',
        user: 'UDM',
      });
    });

    it('a quota known at the end is recorded as it is, without asking TokenBay', async () => {
      const asked: string[] = [];
      const input = command('UQUOTAKNOWN');
      await start(NO_LIMITS, input, () => Promise.resolve('started'));
      const unavailable: unknown[] = [];
      expect(
        await settleUsageStep(
          {
            ...deps,
            tokenBay: tokenBayAnswering(999, asked),
            onQuotaUnavailable: (e) => unavailable.push(e),
          },
          settleEvent(input, 'task_qk', 'failed', 30),
        ),
      ).toEqual({ outcome: 'failed', quota: 30, recorded: true });
      expect([asked, unavailable]).toEqual([[], []]);
    });
  });

  describe('RunEnded, the backstop for runs the workflow did not settle', () => {
    /** EventBridge's status-change event for a run. */
    const ended = (input: WorkflowInput, status: string, error: string | null = null) => ({
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      detail: {
        executionArn: `arn:aws:states:us-east-1:000000000000:execution:Clipbay:${input.id}`,
        name: input.id,
        status,
        input: JSON.stringify(input),
        error,
        cause: null,
      },
    });
    /** A chat that is down for the first `failures` messages, and records what it was sent. */
    const chat = (failures: number) => {
      const sent: FailureReport[] = [];
      const notifier = {
        failed: (_target: unknown, report: FailureReport) => {
          if (failures-- > 0) return Promise.reject(new Error('chat is down'));
          sent.push(report);
          return Promise.resolve();
        },
      } as unknown as Notifier;
      return { sent, notifier };
    };

    it('a stopped run is closed and told once, even when the first message failed and the event came again', async () => {
      const input = command('UABORT');
      await start({ ...NO_LIMITS, concurrentPerUser: 1 }, input, () => Promise.resolve('started'));
      const { sent, notifier } = chat(1);
      const step = (event: unknown) =>
        runEndedStep(
          { ledger, notifier, clock: { now: () => NOW + 90_000 }, sleep: () => Promise.resolve() },
          event,
        );

      // First delivery: the row is closed and the slot freed, but chat is down: Lambda retries it.
      await expect(step(ended(input, 'ABORTED'))).rejects.toThrow('chat is down');
      expect(await today(input)).toMatchObject({ running: 0 });
      expect(await ledger.getRun(input.id)).toMatchObject({ outcome: 'stopped', tellPending: true });
      // The retry finds the row closed and the message still owed: it sends it.
      expect(await step(ended(input, 'ABORTED'))).toEqual({ status: 'ABORTED', settled: false, told: true });
      expect(sent).toEqual([
        expect.objectContaining({ reference: input.id, reason: expect.stringContaining('stopped') }),
      ]);
      expect((await ledger.getRun(input.id))!.tellPending).toBeUndefined();
      // A duplicate delivery tells nobody again.
      expect(await step(ended(input, 'ABORTED'))).toEqual({ status: 'ABORTED', settled: false, told: false });
      expect(sent).toHaveLength(1);
      // Counted once, as a video made: in the day (at the start) and the month (at the close).
      const keys = counterKeys(scopeOf(input), periodsAt(input.requestedAt));
      const counters = await ledger.read([keys.userDay, keys.userMonth]);
      expect([counterAt(counters, keys.userDay), counterAt(counters, keys.userMonth)]).toEqual([
        { videos: 1, quota: 0, running: 0 },
        { videos: 1, quota: 0, running: 0 },
      ]);
    });

    it('a run the workflow settled is left alone, and one whose settle failed is closed without a message', async () => {
      const settled = command('USETTLED');
      await start(NO_LIMITS, settled, () => Promise.resolve('started'));
      await settleUsageStep(deps, {
        ...settleEvent(settled, 'task_3', 'ready', 100),
        posted: { posted: true },
      });
      const unsettled = command('UUNSETTLED');
      await start(NO_LIMITS, unsettled, () => Promise.resolve('started'));
      const { sent, notifier } = chat(0);
      const step = (event: unknown) => runEndedStep({ ledger, notifier }, event);

      expect(await step(ended(settled, 'SUCCEEDED'))).toEqual({
        status: 'SUCCEEDED',
        settled: false,
        told: false,
      });
      expect(await step(ended(settled, 'FAILED', 'VideoFailed'))).toMatchObject({ told: false });
      expect(await ledger.getRun(settled.id)).toMatchObject({ outcome: 'succeeded' });
      expect(await step(ended(unsettled, 'SUCCEEDED'))).toEqual({
        status: 'SUCCEEDED',
        settled: true,
        told: false,
      });
      expect(await ledger.getRun(unsettled.id)).toMatchObject({ outcome: 'succeeded' });
      expect(sent).toEqual([]);
      // Not one of clipbay's runs, or its input left out of the event: nothing to do.
      expect(
        await step({
          ...ended(settled, 'ABORTED'),
          detail: { ...ended(settled, 'ABORTED').detail, input: '{}' },
        }),
      ).toMatchObject({ settled: false, told: false });
      expect(
        await step({
          ...ended(settled, 'ABORTED'),
          detail: { ...ended(settled, 'ABORTED').detail, input: null },
        }),
      ).toMatchObject({ settled: false, told: false });
    });

    it('a run that ended in VideoFailed whose settle failed is closed without a second message', async () => {
      const input = command('UVIDEOFAILED');
      await start(NO_LIMITS, input, () => Promise.resolve('started'));
      const { sent, notifier } = chat(0);
      expect(await runEndedStep({ ledger, notifier }, ended(input, 'FAILED', 'VideoFailed'))).toEqual({
        status: 'FAILED',
        settled: true,
        told: false,
      });
      expect(sent).toEqual([]);
      const row = await ledger.getRun(input.id);
      expect(row).toMatchObject({ outcome: 'error' });
      expect(row!.tellPending).toBeUndefined();
    });

    it('a run that ended in VideoFailedUntold is told, even when the workflow closed its row', async () => {
      const input = command('UUNTOLD');
      await start(NO_LIMITS, input, () => Promise.resolve('started'));
      await settleUsageStep(deps, { ...input, error: { Error: 'TokenBayRejectedError', Cause: 'no' } });
      const { sent, notifier } = chat(0);
      expect(await runEndedStep({ ledger, notifier }, ended(input, 'FAILED', 'VideoFailedUntold'))).toEqual({
        status: 'FAILED',
        settled: false,
        told: true,
      });
      expect(sent).toEqual([
        expect.objectContaining({
          reference: input.id,
          reason:
            'The video could not be made, and chat could not be reached to say so at the time. An admin can look it up with the reference below.',
        }),
      ]);
    });
  });
});
