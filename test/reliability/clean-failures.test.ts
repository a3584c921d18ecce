import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerView } from '../helpers/ledger-view.js';
import { StageThrottle } from '../../local/account/stage-throttle.js';
import type { CloudFormationTemplate } from '../../local/account/template.js';
import { sendSlackCommand } from '../helpers/chat-commands.js';
import { startStackWithFakeChat, type StackWithFakeChat } from '../helpers/local-stack-harness.js';
import { withIngressEnvironment } from '../helpers/template-edits.js';

/** Every run of this account is cut off by the execution timeout after this many (real) seconds. */
const EXECUTION_TIMEOUT_SECONDS = 6;

/** The template with the state machine's own TimeoutSeconds shortened (the deployed one is 2 h 10 min). */
function withExecutionTimeout(seconds: number) {
  return (template: CloudFormationTemplate): CloudFormationTemplate => {
    const copy = structuredClone(template);
    const machine = Object.values(copy.Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine')!;
    const join = (machine.Properties!.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    let replaced = 0;
    join[1] = join[1].map((part) =>
      typeof part === 'string'
        ? part.replace(/,"TimeoutSeconds":7800\}$/, () => {
            replaced++;
            return `,"TimeoutSeconds":${seconds}}`;
          })
        : part,
    );
    if (replaced !== 1) throw new Error('The definition has no top-level TimeoutSeconds of 7800 to shorten.');
    return copy;
  };
}

/**
 * A failed run ends cleanly in the deployed shape: the bundles in the emulated account, the
 * synthesized definition in the interpreter, the ledger in the account's DynamoDB, and the
 * account's EventBridge delivering each execution's end to RunEnded. Every case asserts the whole
 * outcome: how the execution ended, the user told exactly once, one submit, the row closed, the
 * slot free.
 */
describe('a run that fails ends cleanly (emulated account)', () => {
  let running: StackWithFakeChat;

  beforeAll(async () => {
    const limits = withIngressEnvironment({ LIMIT_CONCURRENT_PER_USER: '2' });
    const timeout = withExecutionTimeout(EXECUTION_TIMEOUT_SECONDS);
    running = await startStackWithFakeChat(
      {},
      { generationSeconds: 1 },
      { editTemplate: (template) => timeout(limits(template)) },
    );
  }, 120_000);
  afterAll(async () => {
    await running?.close();
  });

  const runOf = async (id: string) => (await ledgerView(running.stack)).run(id);
  /** The executions holding a slot of this user today. */
  const slotsHeld = async (user: string) => (await ledgerView(running.stack)).slotsHeld(user);
  const execution = (name: string) => running.stack.workflow.list().find((e) => e.name === name)!;
  /** What the channel was told about a run's end: the messages quoting its reference. */
  const told = (trigger: string) =>
    running.chat
      .to(`/hooks/${trigger}`)
      .map((r) => JSON.stringify(r.body))
      .filter((m) => m.includes('Reference') && m.includes(trigger));

  it('a first status check refused (key revoked) frees the slot: with LIMIT_CONCURRENT_PER_USER=2, two commands start right after it', async () => {
    const sim = running.stack.simulator!;
    const submitsBefore = sim.submits().length;
    sim.inject('poll', 'unauthorized');
    const ack = await sendSlackCommand(running, {
      text: 'a revoked key',
      trigger: 'revoked.1.x',
      user: 'UREV',
    });
    expect(ack.body.response_type).toBe('in_channel');
    const failed = await execution('revoked.1.x').done;
    await running.stack.account.settle();

    // Ended by the definition's own Fail state, not by States.Runtime on a missing path.
    expect({ status: failed.status, error: failed.error }).toEqual({
      status: 'FAILED',
      error: 'VideoFailed',
    });
    expect(failed.statesEntered).toMatchObject({ CheckStatus: 1, ReportFailure: 1, SettleFailedRunUsage: 1 });
    expect(told('revoked.1.x')).toHaveLength(1);
    expect(told('revoked.1.x')[0]).toContain("TokenBay refused clipbay's API key");
    expect(sim.submits().length - submitsBefore).toBe(1);
    expect(await runOf('revoked.1.x')).toMatchObject({ outcome: 'error', finishedAt: expect.any(Number) });
    expect(await slotsHeld('UREV')).toEqual([]);

    sim.options.generationSeconds = 30; // both stay running while the acks come back
    try {
      const acks = await Promise.all(
        [1, 2].map((i) =>
          sendSlackCommand(running, { text: `after ${i}`, trigger: `after.${i}.x`, user: 'UREV' }),
        ),
      );
      expect(acks.map((a) => a.body.response_type)).toEqual(['in_channel', 'in_channel']);
      running.stack.workflow.stopAll(); // their end is the next test's subject, not this one's
    } finally {
      sim.options.generationSeconds = 1;
    }
  }, 60_000);

  it('stopped by hand (StopExecution): the channel is told once, the row closed as stopped, the slot freed', async () => {
    const sim = running.stack.simulator!;
    sim.options.generationSeconds = 30;
    try {
      await sendSlackCommand(running, { text: 'a run to stop', trigger: 'stopped.1.x', user: 'USTOP' });
      expect(await slotsHeld('USTOP')).toHaveLength(1);
      const sfn = new SFNClient(running.stack.account.operatorClientConfig());
      await sfn.send(new StopExecutionCommand({ executionArn: execution('stopped.1.x').executionArn }));
      sfn.destroy();
      const stopped = await execution('stopped.1.x').done;
      await running.stack.account.settle();

      expect(stopped.status).toBe('ABORTED');
      expect(told('stopped.1.x')).toHaveLength(1);
      expect(told('stopped.1.x')[0]).toContain('The run was stopped before the video was delivered.');
      expect(await runOf('stopped.1.x')).toMatchObject({
        outcome: 'stopped',
        finishedAt: expect.any(Number),
      });
      expect(await slotsHeld('USTOP')).toEqual([]);
      const deliveries = running.stack.account.events.deliveries.filter(
        (d) => d.event.detail.name === 'stopped.1.x',
      );
      expect(deliveries.map((d) => ({ ok: d.ok, attempts: d.attempts }))).toEqual([
        { ok: true, attempts: 1 },
      ]);
    } finally {
      sim.options.generationSeconds = 1;
    }
  }, 60_000);

  it('cut off by the execution timeout: told once that it ran out of time, row closed as timed-out, slot freed', async () => {
    await sendSlackCommand(running, {
      text: 'a task that never ends [never]',
      trigger: 'cutoff.1.x',
      user: 'UCUT',
    });
    const cut = await execution('cutoff.1.x').done;
    await running.stack.account.settle();

    expect(cut.status).toBe('TIMED_OUT');
    expect(told('cutoff.1.x')).toHaveLength(1);
    expect(told('cutoff.1.x')[0]).toContain('The run took longer than clipbay allows any run');
    expect(await runOf('cutoff.1.x')).toMatchObject({ outcome: 'timed-out' });
    expect(await slotsHeld('UCUT')).toEqual([]);
  }, 60_000);

  it('a run that ends as designed is not settled or told twice: RunEnded finds it settled', async () => {
    await sendSlackCommand(running, { text: 'a fine clip', trigger: 'fine.1.x', user: 'UFINE' });
    await sendSlackCommand(running, { text: 'a failing clip [fail]', trigger: 'fail.1.x', user: 'UFINE' });
    const [fine, fail] = await Promise.all([execution('fine.1.x').done, execution('fail.1.x').done]);
    await running.stack.account.settle();

    expect([fine.status, fail.status]).toEqual(['SUCCEEDED', 'FAILED']);
    expect(told('fine.1.x')).toEqual([]);
    expect(told('fail.1.x')).toHaveLength(1);
    expect(await runOf('fine.1.x')).toMatchObject({ outcome: 'succeeded' });
    expect(await runOf('fail.1.x')).toMatchObject({ outcome: 'failed' });
    expect(await slotsHeld('UFINE')).toEqual([]);
    for (const name of ['fine.1.x', 'fail.1.x'])
      expect(
        running.stack.account.events.deliveries.filter((d) => d.event.detail.name === name).map((d) => d.ok),
      ).toEqual([true]);
  }, 60_000);

  it('a state output over 256 KiB fails the run with States.DataLimitExceeded, which no Catch takes; RunEnded still settles and tells', async () => {
    running.stack.account.faults.add({
      fn: 'CheckStatusFn',
      execution: 'oversized.1.x',
      attempt: 1,
      fault: { kind: 'returns', value: { outcome: 'running', padding: 'x'.repeat(300 * 1024) } },
    });
    await sendSlackCommand(running, { text: 'an oversized answer', trigger: 'oversized.1.x', user: 'UBIG' });
    const failed = await execution('oversized.1.x').done;
    await running.stack.account.settle();

    expect({ status: failed.status, error: failed.error }).toEqual({
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
    });
    expect(failed.statesEntered.ReportFailure).toBeUndefined(); // no Catch took it
    expect(told('oversized.1.x')).toHaveLength(1);
    expect(told('oversized.1.x')[0]).toContain('Something went wrong inside clipbay');
    expect(await runOf('oversized.1.x')).toMatchObject({ outcome: 'error' });
    expect(await slotsHeld('UBIG')).toEqual([]);
  });

  it('the HTTP API refuses requests over the stage throttle with 429 before any Lambda runs', async () => {
    const { account } = running.stack;
    // The template's own throttle, as deployed.
    expect(account.httpApi.throttle).toMatchObject({ burst: 400, rate: 100 });
    const deployed = account.httpApi.throttle;
    account.httpApi.throttle = new StageThrottle(3, 0);
    try {
      const shareLink = account.fn('ShareLinkFn');
      const before = shareLink.stats.invocations;
      const answers = await Promise.all(
        Array.from({ length: 5 }, async () => {
          const res = await fetch(`${running.stack.url}/v/ZZZZZZZZZZZZZZZZZZZZZZ`);
          return { status: res.status, body: await res.text() };
        }),
      );
      expect(answers.filter((a) => a.status === 404)).toHaveLength(3);
      expect(answers.filter((a) => a.status === 429)).toEqual([
        { status: 429, body: '{"message":"Too Many Requests"}' },
        { status: 429, body: '{"message":"Too Many Requests"}' },
      ]);
      expect(shareLink.stats.invocations - before).toBe(3);
    } finally {
      account.httpApi.throttle = deployed;
    }
  });
});

/**
 * A new account's Lambda quota (10 at once) under a burst, in an account of its own whose retry
 * intervals are long enough to outlast the burst (the other tests run them at 25 ms, which no
 * throttling in AWS would be as short as).
 */
describe("a burst on a new account's Lambda quota (emulated account)", () => {
  let running: StackWithFakeChat;

  beforeAll(async () => {
    running = await startStackWithFakeChat({}, { generationSeconds: 1 }, { retryIntervalMs: 300 });
  }, 120_000);
  afterAll(async () => {
    await running?.close();
  });

  const execution = (name: string) => running.stack.workflow.list().find((e) => e.name === name)!;
  const runOf = async (id: string) => (await ledgerView(running.stack)).run(id);

  it('is throttled where AWS throttles it, and every run that started still delivers', async () => {
    const { account, workflow } = running.stack;
    expect(account.concurrency.limit).toBe(10);
    const throttledBefore = account.concurrency.throttled;
    const acks = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        sendSlackCommand(running, { text: `burst ${i}`, trigger: `quota.${i}.x`, user: `UQ${i}` }),
      ),
    );
    await running.stack.account.settle();
    // Ingress invocations over the quota never ran: API Gateway answers 500 (Slack shows its
    // error); nothing was reserved or started for them.
    const started = acks.flatMap((a, i) => (a.status === 200 ? [`quota.${i}.x`] : []));
    expect(acks.filter((a) => a.status !== 200).map((a) => a.status)).toEqual(
      Array(30 - started.length).fill(500),
    );
    expect(account.concurrency.throttled).toBeGreaterThan(throttledBefore);
    expect(started.length).toBeGreaterThan(0);
    expect(started.length).toBeLessThan(30);
    expect(
      workflow
        .list()
        .filter((e) => e.name.startsWith('quota.'))
        .map((e) => e.name)
        .sort(),
    ).toEqual(started.sort());
    // Step Functions retries a throttled Task (every Task's Retry names Lambda.TooManyRequestsException).
    for (const name of started) {
      const run = execution(name);
      expect({ name, status: run.status }).toEqual({ name, status: 'SUCCEEDED' });
      expect(await runOf(name)).toMatchObject({ outcome: 'succeeded' });
    }
  }, 120_000);
});
