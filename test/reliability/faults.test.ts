import type { LocalExecution } from '../../local/workflow/local-workflow.js';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackHeaders } from '../../local/stack/request-signing.js';
import type { LocalStack } from '../../local/stack/local-stack.js';
import type { FakeChatServer } from '../../local/simulator/fake-chat-api.js';
import { startStackWithFakeChat } from '../helpers/local-stack-harness.js';
import { collect } from '../helpers/streams.js';
import { startHarness, type Harness } from '../helpers/workflow-harness.js';
import { slackCommandBody } from '../../local/stack/slack-command.js';

/** Faults injected into TokenBay, the network and chat delivery; what the user is told. */
/** How a run ended: by the definition's own Fail state (never States.Runtime), and settled. */
const endedAsDesigned = (execution: LocalExecution) => ({
  status: execution.status,
  error: execution.error,
  settled: (execution.statesEntered.SettleFailedRunUsage ?? 0) === 1,
});

describe('faults', () => {
  describe('in the workflow', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ sim: { videoSize: 1_000_003 } });
    });
    afterAll(() => h.close());

    it.each([0.1, 0.5, 0.99])(
      'a connection reset at %s of the download is resumed: byte-identical in S3',
      async (fraction) => {
        h.sim.inject('content', { resetAtFraction: fraction });
        const id = `reset-${fraction}`;
        const execution = await h.run(`a reset at ${fraction}`, id);
        expect(execution.status).toBe('SUCCEEDED');
        const finished = h.notifier.for(`C-${id}`).find((m) => m.kind === 'finished');
        if (finished?.kind !== 'finished') throw new Error('no finished message');
        const key = `clips/${finished.video.shareLink.split('/v/')[1]}.mp4`;
        const stored = await h.s3Client.send(new GetObjectCommand({ Bucket: h.s3.bucket, Key: key }));
        const bytes = await collect(stored.Body as never);
        expect(bytes.length).toBe(h.sim.video.size);
        expect(bytes.equals(h.sim.video.bytes())).toBe(true); // bytes lost: 0
      },
    );

    it('TokenBay refusing the key (401) tells the channel an admin must act, without blaming the user', async () => {
      h.sim.inject('submit', 'unauthorized');
      const execution = await h.run('a key problem', 'auth-1');
      expect(endedAsDesigned(execution)).toEqual({ status: 'FAILED', error: 'VideoFailed', settled: true });
      expect(h.notifier.for('C-auth-1').map((m) => m.kind)).toEqual(['failed']); // told once, nothing else
      // Refused once, not sent again.
      expect(h.sim.submits().filter((r) => JSON.stringify(r.body).includes('a key problem'))).toHaveLength(1);
      const failed = h.notifier.for('C-auth-1').find((m) => m.kind === 'failed');
      expect(failed?.kind === 'failed' && failed.failure).toMatchObject({
        kind: 'admin',
        reason:
          "TokenBay refused clipbay's API key, so nothing was made. Your command was fine: an admin needs to update the TokenBay key.",
      });
    });
  });

  describe('TokenBay unreachable', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness();
      await h.sim.stop(); // connection refused: the request certainly never left
    });
    afterAll(() => h.close());

    it('retries the submit (it was never sent), then says TokenBay is not reachable', async () => {
      const execution = await h.run('an unreachable fox', 'down-1');
      expect(endedAsDesigned(execution)).toEqual({ status: 'FAILED', error: 'VideoFailed', settled: true });
      expect(h.notifier.for('C-down-1').map((m) => m.kind)).toEqual(['failed']); // told once, nothing else
      const failed = h.notifier.for('C-down-1').find((m) => m.kind === 'failed');
      expect(failed?.kind === 'failed' && failed.failure).toMatchObject({
        kind: 'unavailable',
        reason: 'TokenBay is not reachable right now. Try again in a few minutes.',
      });
    });
  });

  describe('delivery', () => {
    let stack: LocalStack;
    let chat: FakeChatServer;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ stack, chat, close } = await startStackWithFakeChat({ SLACK_SIGNING_SECRET: 'faults-secret' }));
    });
    afterAll(() => close());

    it('the same command delivered 3 times makes one task and one final message', async () => {
      const body = slackCommandBody({
        text: 'a triple delivery',
        triggerId: 'triple.1.x',
        responseUrl: `${chat.url}/hooks/triple`,
      });
      const statuses = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const headers = {
          ...slackHeaders('faults-secret', body),
          ...(attempt ? { 'x-slack-retry-num': String(attempt) } : {}),
        };
        statuses.push((await fetch(`${stack.url}/slack/events`, { method: 'POST', headers, body })).status);
      }
      expect(statuses).toEqual([200, 200, 200]);
      expect(stack.workflow.list()).toHaveLength(1);
      await stack.workflow.settle();
      expect(stack.simulator!.submits()).toHaveLength(1);
      const finals = chat.to('/hooks/triple').filter((r) => JSON.stringify(r.body).includes('clipbay_watch'));
      expect(finals).toHaveLength(1);
    });
  });
});
