import { GetObjectCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CloudFormationTemplate } from '../../local/account/template.js';
import { discordInteraction, videoCommandData } from '../../local/stack/discord-interaction.js';
import { discordHeaders, slackHeaders } from '../../local/stack/request-signing.js';
import { slackCommandBody } from '../../local/stack/slack-command.js';
import { startStackWithFakeChat, type StackWithFakeChat } from '../helpers/local-stack-harness.js';
import { ledgerView } from '../helpers/ledger-view.js';
import { collect } from '../helpers/streams.js';
import { BURST } from './fault-catalog.js';

let sequence = 0;
const snowflake = () => `${Date.now()}${String(++sequence).padStart(5, '0')}`;

/** Sends a signed Slack `/video` and returns the HTTP answer. */
async function slackCommand(running: StackWithFakeChat, text: string, trigger: string) {
  const body = slackCommandBody({
    text,
    triggerId: trigger,
    responseUrl: `${running.chat.url}/hooks/${trigger}`,
  });
  return fetch(`${running.stack.url}/slack/events`, {
    method: 'POST',
    headers: slackHeaders(running.stack.slackSigningSecret, body),
    body,
  });
}

/** Sends a signed Discord `/video` interaction; returns its id and the HTTP answer's status. */
async function discordCommand(
  running: StackWithFakeChat,
  prompt: string,
  id = snowflake(),
  channelId?: string,
) {
  const body = JSON.stringify(
    discordInteraction({
      id,
      applicationId: running.stack.discordApplicationId,
      data: videoCommandData([{ name: 'prompt', type: 3, value: prompt }]),
      channelId,
    }),
  );
  const { status } = await fetch(`${running.stack.url}/discord/interactions`, {
    method: 'POST',
    headers: discordHeaders(running.stack.keys.discordPrivateKey, body),
    body,
  });
  return { id, status };
}

const finalOf = (running: StackWithFakeChat, trigger: string) =>
  running.chat.to(`/hooks/${trigger}`).filter((r) => JSON.stringify(r.body).includes('clipbay_watch'));

/** The clip the last final message of `trigger` links to, as stored in the account's S3. */
async function storedClip(running: StackWithFakeChat, trigger: string) {
  const final = JSON.stringify(finalOf(running, trigger).at(-1)!.body);
  const clipId = /\/v\/([\w-]{22})/.exec(final)![1]!;
  const s3 = new S3Client({ ...running.stack.account.operatorClientConfig(), forcePathStyle: true });
  const stored = await s3.send(
    new GetObjectCommand({ Bucket: 'clipbay-videos', Key: `clips/${clipId}.mp4` }),
  );
  return { bytes: await collect(stored.Body as never), s3 };
}

/** Faults in the deployed shape: the bundles, their roles, the account's services. */
describe('bursts and faults in the deployed shape', () => {
  describe('a burst against a TokenBay that admits 5 submits a second', () => {
    let running: StackWithFakeChat;
    beforeAll(async () => {
      // Real time: 5 submits a second and Retry-After as TokenBay would send it, so the Lambdas
      // wait exactly as long as they would in AWS.
      running = await startStackWithFakeChat(
        { DISCORD_BOT_TOKEN: 'bot-token' },
        { generationSeconds: 1, submitsPerSecond: BURST.submitsPerSecond },
        // The documented default quota of 1,000 (a new account's reduced one throttles such a
        // burst: test/reliability/clean-failures.test.ts shows how).
        { waitMs: 1000, retryIntervalMs: 200, accountConcurrency: 1000 },
      );
    }, 120_000);
    afterAll(() => running.close());

    it('200 commands at once: every video made once, no failure message', async () => {
      expect(BURST.commands).toBe(200);
      const { stack, chat } = running;
      const triggers: string[] = [];
      const acks = await Promise.all(
        Array.from({ length: BURST.commands }, async (_, i) => {
          const sent = performance.now();
          let status: number;
          if (i % 2 === 0) {
            const trigger = `burst.${i}.x`;
            triggers.push(trigger);
            status = (await slackCommand(running, `burst ${i}`, trigger)).status;
          } else status = (await discordCommand(running, `burst ${i}`)).status;
          return { status, ms: performance.now() - sent };
        }),
      );
      const accountLines = running.functionLogs
        .filter((l) => l.fn === 'account' && / failed: |may not invoke/.test(l.line))
        .map((l) => l.line);
      // Every command acknowledged, each within API Gateway's 30 s as this test's client saw it.
      expect({
        refused: acks.filter((a) => a.status !== 200),
        late: acks.filter((a) => a.ms >= 30_000),
        accountLines,
      }).toEqual({ refused: [], late: [], accountLines: [] });
      expect(stack.workflow.list()).toHaveLength(BURST.commands);
      await stack.workflow.settle();

      const statuses = stack.workflow.list().map((e) => e.status);
      expect(statuses.filter((s) => s !== 'SUCCEEDED')).toEqual([]); // videos lost: 0
      const sim = stack.simulator!;
      expect(sim.throttledSubmits).toBeGreaterThan(0); // the faults really happened
      const prompts = sim.taskIds().length;
      expect(prompts).toBe(BURST.commands); // accepted submits: one per command, no duplicate task
      const accepted = sim.submits().length - sim.throttledSubmits;
      expect(accepted).toBe(BURST.commands);
      // Users left without an answer: 0. Failure messages: 0.
      for (const trigger of triggers) expect(finalOf(running, trigger), trigger).toHaveLength(1);
      const discordFinals = chat.to('/webhooks/').filter((r) => JSON.stringify(r.body).includes('/v/'));
      expect(new Set(discordFinals.map((r) => r.path)).size).toBe(BURST.commands / 2);
      expect(chat.requests.some((r) => /could not be made|went wrong/.test(JSON.stringify(r.body)))).toBe(
        false,
      );
    }, 240_000);
  });

  describe('faults in one account', () => {
    let running: StackWithFakeChat;
    beforeAll(async () => {
      running = await startStackWithFakeChat({ DISCORD_BOT_TOKEN: 'bot-token' }, { generationSeconds: 1 });
    });
    afterAll(() => running.close());

    it('StartExecution throttled: retried within the ack budget, else a private "busy", never a 5xx', async () => {
      const { stack } = running;
      stack.account.stepFunctions.throttleNext = 2;
      const retried = await slackCommand(running, 'a throttled start', 'throttle.1.x');
      expect(retried.status).toBe(200);
      expect(((await retried.json()) as { response_type: string }).response_type).toBe('in_channel');
      expect(stack.workflow.list().some((e) => e.name === 'throttle.1.x')).toBe(true);

      stack.account.stepFunctions.throttleNext = 1000;
      try {
        const started = performance.now();
        const busy = await slackCommand(running, 'a throttled start', 'throttle.2.x');
        expect(performance.now() - started).toBeLessThan(3000);
        expect(busy.status).toBe(200);
        expect(await busy.json()).toMatchObject({
          response_type: 'ephemeral',
          text: expect.stringContaining('clipbay is busy, try again in a minute'),
        });
        expect(stack.workflow.list().some((e) => e.name === 'throttle.2.x')).toBe(false);
      } finally {
        stack.account.stepFunctions.throttleNext = 0;
      }
    });

    it('a SaveToS3 container killed at 50 % of the transfer: retried, byte-identical, no upload left behind', async () => {
      const { stack } = running;
      const sim = stack.simulator!;
      sim.useVideoSize(24 * 1024 * 1024 + 11);
      const saveToS3 = stack.account.fn('SaveToS3Fn');
      sim.inject('content', {
        stallAtFraction: 0.5,
        onStall: () => {
          for (const pid of saveToS3.pids()) process.kill(pid, 'SIGKILL');
        },
      });
      try {
        await slackCommand(running, 'a killed transfer', 'killed.1.x');
        const execution = await stack.workflow.list().find((e) => e.name === 'killed.1.x')!.done;
        expect(execution.status).toBe('SUCCEEDED');
        expect(execution.statesEntered.SaveToS3).toBeGreaterThanOrEqual(1);
        const { bytes, s3 } = await storedClip(running, 'killed.1.x');
        expect(bytes.equals(sim.video.bytes())).toBe(true);
        const { Uploads = [] } = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'clipbay-videos' }));
        expect(Uploads).toEqual([]);
        expect(stack.account.s3.openUploads()).toEqual([]);
      } finally {
        sim.useVideoSize(undefined);
      }
    });

    it('S3 503 SlowDown on UploadPart: retried, byte-identical', async () => {
      const { stack } = running;
      const sim = stack.simulator!;
      sim.useVideoSize(20 * 1024 * 1024 + 3);
      stack.account.s3.slowDownNextParts = 2;
      try {
        await slackCommand(running, 'a slowed upload', 'slow.1.x');
        const execution = await stack.workflow.list().find((e) => e.name === 'slow.1.x')!.done;
        expect(execution.status).toBe('SUCCEEDED');
        expect(stack.account.s3.slowDownNextParts).toBe(0); // both SlowDowns were served
        expect((await storedClip(running, 'slow.1.x')).bytes.equals(sim.video.bytes())).toBe(true);
      } finally {
        sim.useVideoSize(undefined);
      }
    });

    it('Slack 429 on the final message: sent again after Retry-After, delivered once', async () => {
      const { stack, chat } = running;
      stack.simulator!.options.generationSeconds = 0; // ready at the first poll: no progress message
      chat.answer(/POST \/hooks\/ratelimit\.1\.x/, 429, { ok: false, error: 'ratelimited' }, 1, {
        'retry-after': '1',
      });
      try {
        await slackCommand(running, 'a rate-limited post', 'ratelimit.1.x');
        const execution = await stack.workflow.list().find((e) => e.name === 'ratelimit.1.x')!.done;
        expect(execution.status).toBe('SUCCEEDED');
        const posts = chat.to('/hooks/ratelimit.1.x');
        expect(posts).toHaveLength(2); // refused once, then delivered
        expect(finalOf(running, 'ratelimit.1.x')).toHaveLength(2);
        expect(execution.statesEntered.PostLink).toBe(1); // waited in the step, no state-machine retry
      } finally {
        stack.simulator!.options.generationSeconds = 1;
      }
    });

    it('PostLink dies after attaching the clip: retried, the clip attached once, the link message in place, no failure', async () => {
      const { stack, chat } = running;
      const id = snowflake();
      stack.account.faults.add({
        fn: 'PostLinkFn',
        execution: id,
        attempt: 1,
        fault: { kind: 'crash-after' },
      });
      await discordCommand(running, 'a delivery whose container dies', id);
      const execution = await stack.workflow.list().find((e) => e.name === id)!.done;
      expect({ status: execution.status, reportFailure: execution.statesEntered.ReportFailure }).toEqual({
        status: 'SUCCEEDED',
        reportFailure: undefined,
      });
      expect(stack.account.faults.invocationsOf('PostLinkFn', id)).toBe(2);
      const edits = chat.to(`token-${id}/messages/@original`);
      // The first attempt attached the clip (and died); the retry found the upload claimed and
      // edited the same message again with the link, which keeps the attachment.
      expect(edits.filter((e) => e.files?.length)).toHaveLength(1);
      expect(JSON.stringify(edits.at(-1)!.body)).toContain('/v/');
      expect(chat.requests.filter((r) => r.path.includes(id) && r.method === 'POST')).toEqual([]);
      expect(
        running.functionLogs.some(
          (l) => l.fn.startsWith('PostLinkFn') && l.line.includes('upload-claimed-before'),
        ),
      ).toBe(true);
    });

    /**
     * The interaction token has expired (Discord answers 401 to every edit of @original), so the
     * run's message goes to the channel with the bot token; the step that posted it dies after its
     * work, and its retry edits that channel message instead of posting a second one.
     */
    it.each([
      ['CheckStatus', 'CheckStatusFn', { generationSeconds: 3 }], // its first poll posts progress
      ['PostLink', 'PostLinkFn', { generationSeconds: 0 }], // ready at once: PostLink posts the clip
    ] as const)(
      '%s dies after posting to the channel: retried, the run has one channel message, edited in place',
      async (_state, fn, { generationSeconds }) => {
        const { stack, chat } = running;
        stack.simulator!.options.generationSeconds = generationSeconds;
        const id = snowflake();
        const channel = `3${id}`.slice(0, 18);
        chat.answer(new RegExp(`PATCH .*token-${id}/messages/@original`), 401, {
          message: '401: Unauthorized',
          code: 0,
        });
        stack.account.faults.add({ fn, execution: id, attempt: 1, fault: { kind: 'crash-after' } });
        try {
          await discordCommand(running, 'a message whose poster dies', id, channel);
          const execution = await stack.workflow.list().find((e) => e.name === id)!.done;
          expect({ status: execution.status, reportFailure: execution.statesEntered.ReportFailure }).toEqual({
            status: 'SUCCEEDED',
            reportFailure: undefined,
          });
          expect(stack.account.faults.invocationsOf(fn, id)).toBeGreaterThanOrEqual(2);
          const inChannel = chat.requests.filter((r) => r.path.includes(`/channels/${channel}/messages`));
          const posts = inChannel.filter((r) => r.method === 'POST');
          expect(posts).toHaveLength(1);
          // The state under test made that post: CheckStatus's is the progress, PostLink's the clip.
          expect(JSON.stringify(posts[0]!.body).includes('/v/')).toBe(fn === 'PostLinkFn');
          // Every later message of the run edits that one post.
          const edited = new Set(inChannel.filter((r) => r.method === 'PATCH').map((r) => r.path));
          expect(edited.size).toBe(1);
          expect(JSON.stringify(inChannel.at(-1)!.body)).toContain('/v/');
          expect(inChannel.filter((r) => r.files?.length)).toHaveLength(1); // the clip, attached once
          await stack.account.settle();
          const ledger = await ledgerView(stack);
          expect(ledger.run(id)).toMatchObject({ outcome: 'succeeded', finishedAt: expect.any(Number) });
        } finally {
          stack.simulator!.options.generationSeconds = 1;
        }
      },
    );

    /** Discord answers 429 to the first edit of the message: a progress edit, or the final one. */
    it.each([
      [
        'Discord 429 on a progress edit: the update is skipped, the final edit is delivered',
        { generationSeconds: 3 }, // progress is shown before the clip is ready
        (id: string) =>
          expect(
            running.functionLogs.some(
              (l) =>
                l.fn.startsWith('CheckStatusFn') &&
                l.line.includes('progress update not shown') &&
                l.line.includes(id),
            ),
          ).toBe(true),
      ],
      [
        'Discord 429 on the final edit: sent again after retry_after, delivered',
        { generationSeconds: 0 }, // ready at the first poll: the first edit is the final one
        (id: string) => expect(running.chat.to(`token-${id}/messages/@original`)).toHaveLength(2),
      ],
    ] as const)('%s', async (_name, { generationSeconds }, check) => {
      const { stack, chat } = running;
      stack.simulator!.options.generationSeconds = generationSeconds;
      const id = snowflake();
      chat.answer(
        new RegExp(`PATCH .*token-${id}/messages/@original`),
        429,
        { message: 'You are being rate limited.', retry_after: 1, global: false },
        1,
        { 'retry-after': '1', 'x-ratelimit-scope': 'user' },
      );
      try {
        await discordCommand(running, 'a rate-limited edit', id);
        const execution = await stack.workflow.list().find((e) => e.name === id)!.done;
        expect(execution.status).toBe('SUCCEEDED');
        const edits = chat.to(`token-${id}/messages/@original`);
        expect(JSON.stringify(edits.at(-1)!.body)).toContain('/v/');
        check(id);
      } finally {
        stack.simulator!.options.generationSeconds = 1;
      }
    });
  });

  describe('a Lambda that runs past its timeout', () => {
    let running: StackWithFakeChat;
    /** Submit may run 3 s here, less than TokenBay's hanging answer. */
    const shortSubmit = (template: CloudFormationTemplate) => {
      for (const [id, resource] of Object.entries(template.Resources))
        if (resource.Type === 'AWS::Lambda::Function' && id.startsWith('SubmitFn'))
          resource.Properties!.Timeout = 3;
      return template;
    };
    beforeAll(async () => {
      running = await startStackWithFakeChat({}, { generationSeconds: 1 }, { editTemplate: shortSubmit });
    });
    afterAll(() => running.close());

    it('is stopped and started again: the user is told, the next command works', async () => {
      const { stack } = running;
      const submit = stack.account.fn('SubmitFn');
      stack.simulator!.inject('submit', 'hang');
      await slackCommand(running, 'a hanging submit', 'timeout.1.x');
      const first = await stack.workflow.list().find((e) => e.name === 'timeout.1.x')!.done;
      expect({ status: first.status, error: first.error }).toEqual({
        status: 'FAILED',
        error: 'VideoFailed',
      });
      // The submit may have reached TokenBay: it was not sent again.
      expect(stack.simulator!.submits()).toHaveLength(1);
      // Told once, with the reason and the reference.
      const told = running.chat
        .to('/hooks/timeout.1.x')
        .map((r) => JSON.stringify(r.body))
        .filter((m) => m.includes('Reference'));
      expect(told).toHaveLength(1);
      expect(told[0]).toContain('took too long');
      // Settled: the row closed, no slot held.
      await stack.account.settle();
      const ledger = await ledgerView(stack);
      expect(ledger.run('timeout.1.x')).toMatchObject({ outcome: 'error', finishedAt: expect.any(Number) });
      expect(ledger.slotsHeld('U1')).toEqual([]); // the command's default user
      await vi.waitFor(() => expect(submit.pids()).toEqual([]));

      const coldStarts = submit.stats.coldStarts;
      await slackCommand(running, 'after the timeout', 'timeout.2.x');
      const second = await stack.workflow.list().find((e) => e.name === 'timeout.2.x')!.done;
      expect(second.status).toBe('SUCCEEDED');
      expect(submit.stats.coldStarts).toBe(coldStarts + 1);
    });
  });
});
