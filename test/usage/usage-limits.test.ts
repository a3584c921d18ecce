import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFromItem, type RunRecord } from '../../functions/core/usage/usage-ledger.js';
import { QUOTA_PER_SECOND } from '../../local/simulator/tokenbay-simulator.js';
import { SLACK_ACTION } from '../../bots/slack/slack-messages.js';
import { sendDiscordCommand, sendSlackButton, sendSlackCommand } from '../helpers/chat-commands.js';
import { startStackWithFakeChat, type StackWithFakeChat } from '../helpers/local-stack-harness.js';
import { USAGE_LIMITS } from './limit-catalog.js';
import { withIngressEnvironment } from '../helpers/template-edits.js';
import { ledgerView } from '../helpers/ledger-view.js';
import { InteractionType } from 'discord-api-types/v10';
import { discordInteraction } from '../../local/stack/discord-interaction.js';
import { discordHeaders } from '../../local/stack/request-signing.js';

const { concurrent, perDay, quotaPerMonth, burst } = USAGE_LIMITS;
/** The settings as a team sets them (CDK context, or the environment of `npm start`). */
const LIMITS_AS_SET = {
  LIMIT_CONCURRENT_PER_USER: String(concurrent),
  LIMIT_VIDEOS_PER_USER_PER_DAY: String(perDay),
  LIMIT_QUOTA_PER_MONTH: String(quotaPerMonth),
  ALLOWED_CHANNELS: 'C1,C2,200000000000000002',
  CLIPBAY_ADMINS: 'UADMIN',
};

/** How long a video of the concurrency tests takes: longer than their burst of acks. */
const RUNNING_SECONDS = 12;
/** Veo's default duration is 8 s, and the simulator charges QUOTA_PER_SECOND per second. */
const QUOTA_PER_VIDEO = 8 * QUOTA_PER_SECOND;

/**
 * Usage limits and the ledger in the deployed shape: the ingress Lambdas reserve with conditional
 * writes on the account's DynamoDB (dynalite behind the signed, IAM-checked endpoint), and the
 * SettleUsage Lambda closes each run. Limits come from the same settings a team deploys with.
 */
describe('usage limits and the ledger (emulated account, real DynamoDB API)', () => {
  let running: StackWithFakeChat;
  let dynamo: DynamoDBClient;
  let table: string;

  beforeAll(async () => {
    running = await startStackWithFakeChat(
      {},
      // Long enough that the first burst's videos are all still running when its acks are in.
      { generationSeconds: RUNNING_SECONDS },
      // The limits as `-c LIMIT_…` puts them in the template (test/infra/clipbay-stack.test.ts
      // checks that mapping): on the two ingress functions. Set on the synthesized template
      // rather than as context, so this file needs no synth of its own.
      // With the documented default Lambda quota (1,000): these bursts test the limits, not Lambda's.
      { editTemplate: withIngressEnvironment(LIMITS_AS_SET), accountConcurrency: 1000 },
    );
    dynamo = new DynamoDBClient(running.stack.account.operatorClientConfig());
    [table] = running.stack.account.dynamoDb.tableNames as [string];
  }, 120_000);
  afterAll(async () => {
    dynamo?.destroy();
    await running?.close();
  });

  async function ledgerRuns(): Promise<RunRecord[]> {
    const { Items = [] } = await dynamo.send(new ScanCommand({ TableName: table }));
    return Items.filter((item) => item.sk?.S === 'run').map(runFromItem);
  }

  /** `burst` signed commands from one Slack user at once; the acks, in order. */
  async function slackBurst(prefix: string, user: string) {
    return Promise.all(
      Array.from({ length: burst }, (_, i) =>
        sendSlackCommand(running, { text: `${prefix} ${i}`, trigger: `${prefix}.${i}.x`, user }),
      ),
    );
  }

  const started = (acks: { body: { response_type?: string } }[]) =>
    acks.filter((a) => a.body.response_type === 'in_channel').length;

  it('50 commands at once from one user with LIMIT_CONCURRENT_PER_USER=3 start exactly 3', async () => {
    expect({ burst, concurrent }).toEqual({ burst: 50, concurrent: 3 }); // as the name says
    const acks = await slackBurst('concurrent', 'UANA');
    expect(acks.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);
    expect(started(acks)).toBe(concurrent);
    const refusals = acks.filter((a) => a.body.response_type === 'ephemeral');
    expect(refusals).toHaveLength(burst - concurrent);
    for (const refusal of refusals)
      expect(refusal.body.text).toContain(
        `You already have ${concurrent} videos in progress, the most allowed at once (LIMIT_CONCURRENT_PER_USER).`,
      );
    // A refused command submits nothing and leaves no ledger row.
    expect(running.stack.workflow.list()).toHaveLength(concurrent);
    await running.stack.workflow.settle();
    expect(running.stack.simulator!.submits()).toHaveLength(concurrent);
    const runs = await ledgerRuns();
    expect(runs).toHaveLength(concurrent);
    for (const run of runs)
      expect(run).toMatchObject({
        scope: { platform: 'slack', workspace: 'T1', channel: 'C1', user: 'UANA' },
        model: 'veo-3.1-generate-preview',
        durationSeconds: 8,
        outcome: 'succeeded',
        quota: QUOTA_PER_VIDEO,
      });
    for (const run of runs) {
      expect(run.taskId).toMatch(/^task_/);
      expect(run.submittedAt).toBeGreaterThanOrEqual(run.requestedAt);
      expect(run.finishedAt).toBeGreaterThan(run.submittedAt!);
    }
  }, 120_000);

  it('then, with LIMIT_VIDEOS_PER_USER_PER_DAY=5, 50 more start exactly 2: the slots were freed, the day is full', async () => {
    // The day caps this burst whether or not its runs end during it: no need to wait long.
    running.stack.simulator!.options.generationSeconds = 1;
    expect(perDay).toBe(5); // as the name says
    const acks = await slackBurst('daily', 'UANA');
    expect(started(acks)).toBe(perDay - concurrent);
    const dayRefusals = acks.filter((a) => a.body.text?.includes('the most allowed per day'));
    expect(dayRefusals.length).toBeGreaterThan(0);
    expect(dayRefusals[0]!.body.text).toMatch(
      /^You have started 5 videos today, the most allowed per day \(LIMIT_VIDEOS_PER_USER_PER_DAY\)\. It resets at 00:00 UTC, in (\d+ h( \d+ min)?|\d+ min|under a minute)\./,
    );
    await running.stack.workflow.settle();
    expect(await ledgerRuns()).toHaveLength(perDay);
    expect(running.stack.simulator!.submits()).toHaveLength(perDay);
  }, 120_000);

  it('Re-roll counts like any other command: refused privately once the limits are reached', async () => {
    const [original] = (await ledgerRuns()).filter((r) => r.scope.user === 'UANA');
    const status = await sendSlackButton(running, {
      actionId: SLACK_ACTION.reroll,
      value: original!.executionId,
      trigger: 'reroll.1.x',
      user: 'UANA',
    });
    expect(status).toBe(200);
    const [answer] = running.chat.to('/hooks/reroll.1.x');
    expect(answer?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    // The day is full, and so is the workspace's quota (5 × 8,000): the quota, which lasts longer, is named.
    expect(JSON.stringify(answer?.body)).toMatch(/the most allowed per day|used its TokenBay quota/);
    expect(running.stack.workflow.list().some((e) => e.name === 'reroll.1.x')).toBe(false);
  });

  it('/video usage matches the ledger, privately', async () => {
    const runs = (await ledgerRuns()).filter((r) => r.scope.user === 'UANA');
    const quota = runs.reduce((sum, r) => sum + (r.quota ?? 0), 0);
    expect(quota).toBe(perDay * QUOTA_PER_VIDEO);
    const answer = await sendSlackCommand(running, { text: 'usage', trigger: 'usage.ana.x', user: 'UANA' });
    expect(answer.body.response_type).toBe('ephemeral');
    const text = answer.body.text!;
    expect(text).toContain(
      `• Today: ${runs.length} videos, quota ${quota.toLocaleString('en-US')} · 0 of ${perDay} left today`,
    );
    expect(text).toMatch(new RegExp(`• \\w+: ${runs.length} videos, quota ${quota.toLocaleString('en-US')}`));
    expect(text).toContain(`• In progress: 0 · ${concurrent} of ${concurrent} at once free`);
    expect(text).toContain(
      `• This workspace's quota in ${new Date().toLocaleString('en-US', { month: 'long', timeZone: 'UTC' })}: ${quota.toLocaleString('en-US')} of ${quotaPerMonth.toLocaleString('en-US')} used, 0 left`,
    );
    expect(text).not.toContain('Totals');

    const admin = await sendSlackCommand(running, {
      text: 'usage',
      trigger: 'usage.admin.x',
      user: 'UADMIN',
    });
    expect(admin.body.text).toContain('Totals (you are a clipbay admin):');
    expect(admin.body.text).toContain(
      `• This channel: today ${runs.length} videos, quota ${quota.toLocaleString('en-US')}`,
    );
    expect(admin.body.text).toContain(
      `• This workspace: today ${runs.length} videos, quota ${quota.toLocaleString('en-US')}`,
    );
  });

  it('LIMIT_QUOTA_PER_MONTH: once the workspace spent its quota, anyone there is refused until the month ends', async () => {
    const before = running.stack.simulator!.submits().length;
    const executions = running.stack.workflow.list().length;
    // 50 at once from 50 other people of the workspace: none starts.
    const acks = await Promise.all(
      Array.from({ length: burst }, (_, i) =>
        sendSlackCommand(running, { text: 'a fox', trigger: `quota.${i}.x`, user: `UQ${i}` }),
      ),
    );
    expect(acks.filter((a) => a.body.response_type !== 'ephemeral')).toEqual([]);
    for (const answer of acks)
      expect(answer.body.text).toMatch(
        /^This workspace has used its TokenBay quota for \w+: 40,000 of 40,000 \(LIMIT_QUOTA_PER_MONTH\)\. It resets on 1 \w+, 00:00 UTC\./,
      );
    expect(running.stack.workflow.list()).toHaveLength(executions);
    // Another workspace has its own quota.
    const elsewhere = await sendSlackCommand(running, {
      text: 'a fox',
      trigger: 'quota.elsewhere.x',
      user: 'UBEA',
      team: 'T2',
    });
    expect(elsewhere.body.response_type).toBe('in_channel');
    await running.stack.workflow.settle();
    expect(running.stack.simulator!.submits().length).toBe(before + 1);
  }, 60_000);

  it('ALLOWED_CHANNELS: a command elsewhere is refused privately and starts nothing', async () => {
    const executions = running.stack.workflow.list().length;
    const acks = await Promise.all(
      Array.from({ length: burst }, (_, i) =>
        sendSlackCommand(running, {
          text: 'a fox',
          trigger: `channel.${i}.x`,
          user: 'UCAT',
          channel: 'C9',
          team: 'T3',
        }),
      ),
    );
    for (const answer of acks) {
      expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
      expect(answer.body.text).toContain(
        'Videos cannot be made in this channel. Ask a clipbay admin to add it to ALLOWED_CHANNELS',
      );
    }
    expect(running.stack.workflow.list()).toHaveLength(executions);
    // Help still answers anywhere.
    const help = await sendSlackCommand(running, { text: 'help', trigger: 'channel.help.x', channel: 'C9' });
    expect(help.body.text).toContain('/video usage');
  });

  it('Discord: the same limits, refused with flag 64 (only the caller sees it)', async () => {
    // Running through these few acks, so the concurrent limit is what refuses.
    running.stack.simulator!.options.generationSeconds = RUNNING_SECONDS / 2;
    const acks = await Promise.all(
      Array.from({ length: concurrent + 2 }, (_, i) =>
        sendDiscordCommand(running, {
          prompt: `discord ${i}`,
          user: '300000000000000001',
          guild: '400000000000000001',
        }),
      ),
    );
    const deferred = acks.filter((a) => a.body.type === 5);
    expect(deferred).toHaveLength(concurrent);
    const refused = acks.filter((a) => a.body.type === 4);
    expect(refused).toHaveLength(2);
    for (const r of refused) {
      expect(r.body.data?.flags).toBe(64);
      expect(r.body.data?.content).toContain('the most allowed at once');
    }
    await running.stack.workflow.settle();
    const usage = await sendDiscordCommand(running, {
      prompt: 'usage',
      user: '300000000000000001',
      guild: '400000000000000001',
    });
    expect(usage.body.data?.flags).toBe(64);
    expect(usage.body.data?.content).toContain(
      `• Today: ${concurrent} videos, quota ${(concurrent * QUOTA_PER_VIDEO).toLocaleString('en-US')}`,
    );
    expect(usage.body.data?.content).toContain("This server's quota");
  }, 120_000);
});

describe('settling usage (emulated account)', () => {
  let running: StackWithFakeChat;
  let dynamo: DynamoDBClient;

  beforeAll(async () => {
    running = await startStackWithFakeChat({}, { generationSeconds: 1 });
    dynamo = new DynamoDBClient(running.stack.account.operatorClientConfig());
  }, 120_000);
  afterAll(async () => {
    dynamo?.destroy();
    await running?.close();
  });

  async function runOf(executionId: string): Promise<RunRecord | undefined> {
    const { Items = [] } = await dynamo.send(
      new ScanCommand({ TableName: running.stack.account.dynamoDb.tableNames[0]! }),
    );
    return Items.filter((i) => i.pk?.S === `run#${executionId}`).map(runFromItem)[0];
  }

  /** One video made while TokenBay leaves out the quota of this many queries of an ended task. */
  async function videoWithQuotaLate(queries: number, text: string, trigger: string) {
    const sim = running.stack.simulator!;
    sim.options.quotaLateByQueries = queries;
    try {
      await sendSlackCommand(running, { text, trigger });
      await running.stack.workflow.settle();
    } finally {
      sim.options.quotaLateByQueries = 0;
    }
    const execution = running.stack.workflow.list().find((e) => e.name === trigger)!;
    expect(execution.status).toBe('SUCCEEDED');
    return execution;
  }

  it('a quota TokenBay settles late is read once more after one poll interval; delivery does not wait for it', async () => {
    const execution = await videoWithQuotaLate(1, 'late quota --duration 4', 'late.1.x');
    // The clip was posted before the quota wait: PostLink, then IsQuotaKnown → WaitForQuota → SettleUsage.
    expect(execution.statesEntered).toMatchObject({ PostLink: 1, WaitForQuota: 1, SettleUsage: 1 });
    expect(await runOf('late.1.x')).toMatchObject({ outcome: 'succeeded', quota: 4 * QUOTA_PER_SECOND });
  }, 60_000);

  it('/video history lists the clip just made, privately, with a share link that serves it (Slack and Discord)', async () => {
    await sendSlackCommand(running, {
      text: 'a heron at dawn --duration 4',
      trigger: 'hist.1.x',
      user: 'UHIST',
    });
    await running.stack.workflow.settle();
    const slack = await sendSlackCommand(running, { text: 'history', trigger: 'hist.2.x', user: 'UHIST' });
    expect(slack.body.response_type).toBe('ephemeral');
    const lines = slack.body.text!.split('\n');
    expect(lines[0]).toBe('Your last 1 clips:');
    expect(lines[1]).toMatch(
      /^• \d+ \w+ \d\d:\d\d UTC · veo-3\.1-generate-preview · “a heron at dawn” · done http/,
    );
    const link = /(https?:\/\/\S+)$/.exec(lines[1]!)![1]!;
    const clip = await fetch(link);
    expect(clip.status).toBe(200);
    expect(Buffer.from(await clip.arrayBuffer()).equals(running.stack.simulator!.video.bytes())).toBe(true);
    // Not an execution: asking starts nothing.
    expect(running.stack.workflow.list().some((e) => e.name === 'hist.2.x')).toBe(false);

    const discord = await sendDiscordCommand(running, { prompt: 'history', user: '300000000000000009' });
    expect(discord.body.data).toMatchObject({
      flags: 64,
      content: 'You have not made a clip here yet.',
    });
  }, 60_000);

  it('Cancel under the progress: refused to anyone else, then the run stops, settled as cancelled, told once; a late press changes nothing', async () => {
    const sim = running.stack.simulator!;
    sim.options.generationSeconds = 60; // still running while the buttons are pressed
    const run = 'cancel.1.x';
    const hooks = (trigger: string) =>
      running.chat.to(`/hooks/${trigger}`).map((r) => JSON.stringify(r.body));
    try {
      await sendSlackCommand(running, { text: 'a long heron', trigger: run, user: 'UCAN' });
      // The progress message carries the Cancel button, naming the run.
      await expect
        .poll(() => hooks(run).some((m) => m.includes(SLACK_ACTION.cancel) && m.includes(run)), {
          timeout: 10_000,
        })
        .toBe(true);
      const press = async (user: string, trigger: string) => {
        expect(
          await sendSlackButton(running, { actionId: SLACK_ACTION.cancel, value: run, trigger, user }),
        ).toBe(200);
        return hooks(trigger);
      };

      const notYours = await press('UOTHER', 'cancel.other.x');
      expect(notYours).toHaveLength(1);
      expect(notYours[0]).toContain('"response_type":"ephemeral"');
      expect(notYours[0]).toContain('Only ucan (who asked for it) or a clipbay admin can cancel this video.');
      expect(running.stack.workflow.list().find((e) => e.name === run)!.status).toBe('RUNNING');

      const mine = await press('UCAN', 'cancel.mine.x');
      expect(mine).toHaveLength(1);
      expect(mine[0]).toContain('"replace_original":true');
      expect(mine[0]).toContain(
        'Cancelled by ucan. TokenBay cannot stop a task it has started, so it may still be charged.',
      );
      const done = await running.stack.workflow.list().find((e) => e.name === run)!.done;
      await running.stack.account.settle();
      expect(done.status).toBe('ABORTED');
      // The task's id, read from the run's latest state in its execution history (GetExecutionHistory).
      expect(await runOf(run)).toMatchObject({
        outcome: 'cancelled',
        finishedAt: expect.any(Number),
        taskId: expect.stringMatching(/\S/),
      });
      // RunEnded found the row closed: nobody is told "stopped" on top of "Cancelled by".
      expect(hooks(run).filter((m) => /stopped|Reference/.test(m))).toEqual([]);

      const view = await ledgerView(running.stack);
      expect(view.slotsHeld('UCAN')).toEqual([]);
      // Counted as a video made (its task may still be charged), in the month as in the day.
      expect([view.videosCounted('UCAN', 'day'), view.videosCounted('UCAN', 'month')]).toEqual([1, 1]);

      const late = await press('UCAN', 'cancel.late.x');
      expect(late[0]).toContain('That video already finished: there is nothing to cancel.');
    } finally {
      sim.options.generationSeconds = 1;
    }
  }, 60_000);

  it('Discord: Cancel under the progress updates the message in place (type 7) and stops the run', async () => {
    const sim = running.stack.simulator!;
    sim.options.generationSeconds = 60;
    const user = { id: '300000000000000077', username: 'dee' };
    try {
      const command = await sendDiscordCommand(running, { prompt: 'a long fox', user: user.id });
      const edits = () =>
        running.chat
          .to(`/messages/@original`)
          .filter((r) => r.path.includes(`token-${command.id}`))
          .map((r) => JSON.stringify(r.body));
      await expect
        .poll(() => edits().some((m) => m.includes(`clipbay:cancel:${command.id}`)), { timeout: 10_000 })
        .toBe(true);
      const body = JSON.stringify(
        discordInteraction({
          id: `${Date.now()}00042`,
          type: InteractionType.MessageComponent,
          applicationId: running.stack.discordApplicationId,
          user,
          data: { custom_id: `clipbay:cancel:${command.id}`, component_type: 2 },
        }),
      );
      const response = await fetch(`${running.stack.url}/discord/interactions`, {
        method: 'POST',
        headers: discordHeaders(running.stack.keys.discordPrivateKey, body),
        body,
      });
      expect(await response.json()).toEqual({
        type: 7,
        data: {
          content:
            'Cancelled by dee. TokenBay cannot stop a task it has started, so it may still be charged.',
          embeds: [],
          components: [],
          allowed_mentions: { parse: [] },
        },
      });
      const done = await running.stack.workflow.list().find((e) => e.name === command.id)!.done;
      expect(done.status).toBe('ABORTED');
      await running.stack.account.settle();
      expect(await runOf(command.id)).toMatchObject({ outcome: 'cancelled' });
    } finally {
      sim.options.generationSeconds = 1;
    }
  }, 60_000);

  it('a quota never settled is recorded as unknown, and the clip is still delivered', async () => {
    await videoWithQuotaLate(1_000, 'no quota', 'unknown.1.x');
    const run = await runOf('unknown.1.x');
    expect(run).toMatchObject({ outcome: 'succeeded' });
    expect(run!.quota).toBeUndefined();
    expect(
      running.chat.to('/hooks/unknown.1.x').some((r) => JSON.stringify(r.body).includes('clipbay_watch')),
    ).toBe(true);
  }, 60_000);

  it('a run that failed before anything was submitted gives back its place in today’s count and its slot', async () => {
    await sendSlackCommand(running, { text: 'a plan [reject]', trigger: 'reject.1.x', user: 'UREJ' });
    await running.stack.workflow.settle();
    expect(await runOf('reject.1.x')).toMatchObject({ outcome: 'error', taskId: undefined });
    const usage = await sendSlackCommand(running, { text: 'usage', trigger: 'reject.usage.x', user: 'UREJ' });
    expect(usage.body.text).toContain('• Today: 0 videos, quota 0');
    expect(usage.body.text).toContain('• In progress: 0');
  }, 60_000);

  it('a throttled start gives back what it reserved: no row, no count', async () => {
    running.stack.account.stepFunctions.throttleNext = 1_000;
    try {
      const answer = await sendSlackCommand(running, {
        text: 'a busy day',
        trigger: 'busy.1.x',
        user: 'UBUSY',
      });
      expect(answer.body.text).toContain('clipbay is busy, try again in a minute.');
    } finally {
      running.stack.account.stepFunctions.throttleNext = 0;
    }
    expect(await runOf('busy.1.x')).toBeUndefined();
    const usage = await sendSlackCommand(running, { text: 'usage', trigger: 'busy.usage.x', user: 'UBUSY' });
    expect(usage.body.text).toContain('• Today: 0 videos, quota 0');
  }, 60_000);

  it('DynamoDB throttling the ledger at the ingress: a private “busy”, nothing started', async () => {
    const executions = running.stack.workflow.list().length;
    running.stack.account.dynamoDb.throttleNext = 1_000;
    try {
      const answer = await sendSlackCommand(running, {
        text: 'a slow ledger',
        trigger: 'ddb.1.x',
        user: 'UDDB',
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
      expect(answer.body.text).toContain('clipbay is busy, try again in a minute.');
    } finally {
      running.stack.account.dynamoDb.throttleNext = 0;
    }
    expect(running.stack.workflow.list()).toHaveLength(executions);
  }, 60_000);

  it('a redelivered command is counted once', async () => {
    // Two deliveries at once (Slack retrying a slow ack), then one more after both answered.
    const both = await Promise.all(
      [1, 2].map(() => sendSlackCommand(running, { text: 'twice', trigger: 'again.1.x', user: 'UTWICE' })),
    );
    const again = await sendSlackCommand(running, { text: 'twice', trigger: 'again.1.x', user: 'UTWICE' });
    expect([...both, again].map((a) => a.status)).toEqual([200, 200, 200]);
    expect(running.stack.workflow.list().filter((e) => e.name === 'again.1.x')).toHaveLength(1);
    await running.stack.workflow.settle();
    expect(await runOf('again.1.x')).toMatchObject({ outcome: 'succeeded', quota: 8 * QUOTA_PER_SECOND });
    const usage = await sendSlackCommand(running, {
      text: 'usage',
      trigger: 'again.usage.x',
      user: 'UTWICE',
    });
    expect(usage.body.text).toContain('• Today: 1 video, quota 8,000');
  }, 60_000);
});
