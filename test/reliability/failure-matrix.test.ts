import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFromItem, type RunRecord } from '../../functions/core/usage/usage-ledger.js';
import type { LocalExecution } from '../../local/workflow/local-workflow.js';
import { sendSlackCommand } from '../helpers/chat-commands.js';
import { startStackWithFakeChat, type StackWithFakeChat } from '../helpers/local-stack-harness.js';
import type { PlannedFault } from '../../local/account/lambda/fault-plan.js';
import { FAILURE_MATRIX, faultsOfPath, type MatrixCase } from './failure-matrix.js';

/** What one case's run came to, gathered once all runs ended. */
interface Observed {
  execution: LocalExecution;
  clips: number;
  failures: string[];
  /** Submits of this run's prompt that reached TokenBay. */
  submits: number;
  run: RunRecord | undefined;
  slotsHeld: string[];
  /** Whether RunEnded (not ReportFailure) posted the failure message. */
  toldByRunEnded: boolean;
  /** Requests that went out on a connection forgotten during a freeze, and were reset. */
  resetRequests: number;
}

/**
 * What the channel shows from the posts to a command's response_url, as JSON: a post with
 * `replace_original` takes the place of the message shown before it, as Slack does.
 */
function visibleInChannel(posts: Record<string, unknown>[]): string[] {
  const shown: string[] = [];
  for (const post of posts)
    if (post.replace_original === true && shown.length > 0) shown[shown.length - 1] = JSON.stringify(post);
    else shown.push(JSON.stringify(post));
  return shown;
}

/** Runs at once: enough to keep the functions busy, few enough that the other files beside it still get their share of 2 cores. */
const PARALLEL = 4;

/**
 * The failure matrix through the emulated account: the bundles under their roles, the synthesized
 * definition, the account's DynamoDB, and its EventBridge delivering each execution's end to
 * RunEnded. The faults are planned per run and applied where Lambda reports them.
 */
describe('failure matrix: every Task, every failure kind, first and later attempt (emulated account)', () => {
  let running: StackWithFakeChat;
  const observed = new Map<string, Observed>();
  const triggerOf = (c: MatrixCase) => `m${FAILURE_MATRIX.indexOf(c)}.x`;
  const userOf = (c: MatrixCase) => `UM${FAILURE_MATRIX.indexOf(c)}`;

  beforeAll(async () => {
    // The documented default Lambda quota: throttles here are the planned ones, not the machine's load.
    running = await startStackWithFakeChat({}, { generationSeconds: 1 }, { accountConcurrency: 1000 });
    const { stack, chat } = running;
    const runCase = async (trigger: string, user: string, faults: PlannedFault[]) => {
      stack.account.faults.add(...faults);
      const ack = await sendSlackCommand(running, { text: `matrix case ${trigger}`, trigger, user });
      if (ack.body.response_type !== 'in_channel') throw new Error(`${trigger}: not started`);
      await stack.workflow.list().find((e) => e.name === trigger)!.done;
    };
    const queue = FAILURE_MATRIX.filter((c) => c.kind !== 'reset');
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        for (let c = queue.shift(); c; c = queue.shift())
          await runCase(triggerOf(c), userOf(c), c.faults(triggerOf(c)));
      }),
    );
    // A reset after a freeze needs a warm environment holding connections: one at a time, each
    // path's cases right after a run of that path, so each function's environment is warm.
    for (const path of ['success', 'failure'] as const) {
      const cases = FAILURE_MATRIX.filter((c) => c.kind === 'reset' && c.path === path);
      const warmUp = `warm-${path}.x`;
      await runCase(warmUp, `UW${path}`, faultsOfPath(path, warmUp));
      for (const c of cases) await runCase(triggerOf(c), userOf(c), c.faults(triggerOf(c)));
    }
    await stack.account.settle();

    const dynamo = new DynamoDBClient(stack.account.operatorClientConfig());
    const [table] = stack.account.dynamoDb.tableNames as [string];
    const items: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await dynamo.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    dynamo.destroy();

    const runEndedPosts = new Set(
      stack.account.events.deliveries.filter((d) => d.ok).map((d) => String(d.event.detail.name)),
    );
    for (const c of FAILURE_MATRIX) {
      const trigger = triggerOf(c);
      const messages = visibleInChannel(chat.to(`/hooks/${trigger}`).map((r) => r.body));
      const failures = messages.filter((m) => m.includes('Reference') && m.includes(trigger));
      observed.set(c.name, {
        execution: stack.workflow.list().find((e) => e.name === trigger)!,
        clips: messages.filter((m) => m.includes('clipbay_watch')).length,
        failures,
        submits: stack.simulator!.submits().filter((s) => JSON.stringify(s.body).includes(trigger)).length,
        run: items
          .filter((i) => i.sk?.S === 'run')
          .map(runFromItem)
          .find((r) => r.executionId === trigger),
        slotsHeld: items
          .filter((i) => i.pk?.S?.endsWith(`#${userOf(c)}`) && i.sk?.S?.startsWith('day#'))
          .flatMap((i) => i.runs?.SS ?? []),
        toldByRunEnded:
          runEndedPosts.has(trigger) &&
          failures.some((m) => m.includes('chat could not be reached to say so at the time')),
        resetRequests: stack.account.faults.resetsAfterFreeze
          .filter((r) => r.execution === trigger)
          .reduce((n, r) => n + r.reset, 0),
      });
    }
  }, 240_000);
  afterAll(() => running?.close());

  it(`covers ${FAILURE_MATRIX.length} cases: 7 Task states × 7 kinds, first and later attempt`, () => {
    expect(FAILURE_MATRIX).toHaveLength(7 * 13);
    expect(new Set(FAILURE_MATRIX.map((c) => c.name)).size).toBe(FAILURE_MATRIX.length);
  });

  it.each(FAILURE_MATRIX.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const seen = observed.get(c.name)!;
    const { expected } = c;
    // How it ended: by the definition's own states, never by States.Runtime.
    expect({ status: seen.execution.status, error: seen.execution.error }).toEqual({
      status: expected.status,
      error: expected.status === 'FAILED' ? expected.error : undefined,
    });
    // The faults really happened: the state under test was entered.
    expect(seen.execution.statesEntered[c.state] ?? 0).toBeGreaterThan(0);
    // Told exactly once: the clip, or one failure message quoting the reference.
    expect({ clips: seen.clips, failures: seen.failures.length }).toEqual(
      expected.told === 'clip' ? { clips: 1, failures: 0 } : { clips: 0, failures: 1 },
    );
    if (expected.toldBy) expect(seen.toldByRunEnded).toBe(expected.toldBy === 'RunEnded');
    // Nothing reached TokenBay twice.
    expect(seen.submits).toBeLessThanOrEqual(1);
    // A reset after a freeze bit: a request went out on a forgotten connection. Submit keeps none,
    // so its one request reached TokenBay (on a forgotten connection it would have reached nothing).
    if (c.kind === 'reset')
      if (c.state === 'Submit') expect(seen.submits).toBe(1);
      else expect(seen.resetRequests).toBeGreaterThan(0);
    // Settled: the row closed with its outcome, the slot free.
    expect(seen.run).toMatchObject({ outcome: expected.outcome, finishedAt: expect.any(Number) });
    expect(seen.slotsHeld).toEqual([]);
  });

  it('leaves no multipart upload open', () => {
    expect(running.stack.account.s3.openUploads()).toEqual([]);
  });
});
