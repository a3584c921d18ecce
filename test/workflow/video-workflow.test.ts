import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../helpers/streams.js';
import { expectFailedCleanly } from '../helpers/failed-run.js';
import { POLL_INTERVAL_SECONDS, startHarness, type Harness } from '../helpers/workflow-harness.js';

/**
 * The synthesized state machine, end to end: real definition in aws-local-stepfunctions, real
 * HTTP to the TokenBay simulator, a real S3-compatible server. Time is virtual (accelerated).
 */
describe('video workflow (synthesized definition, local interpreter)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sim: { videoSize: 3_000_017 } });
  });
  afterAll(() => h.close());

  function expectOneSubmitAndPoliteGaps(prompt: string) {
    const submits = h.sim.submits().filter((r) => (r.body as { prompt: string }).prompt === prompt);
    expect(submits).toHaveLength(1);
    expect(h.sim.minPollGapMs()).toBeGreaterThanOrEqual(POLL_INTERVAL_SECONDS * 1000);
  }

  it('makes a video: byte-identical object in S3, a working presigned link, progress on the way', async () => {
    // Long enough (2 virtual minutes) that progress moves over several polls even on a busy machine.
    h.sim.options.generationSeconds = 120;
    const execution = await h.run('a corgi surfing at sunset --duration 8', 'ok-1').finally(() => {
      h.sim.options.generationSeconds = 30;
    });
    expect(execution.status).toBe('SUCCEEDED');
    expectOneSubmitAndPoliteGaps('a corgi surfing at sunset');

    const messages = h.notifier.for('C-ok-1');
    const finished = messages.find((m) => m.kind === 'finished');
    expect(finished?.kind).toBe('finished');
    if (finished?.kind !== 'finished') return;
    expect(finished.video.request.prompt).toBe('a corgi surfing at sunset');
    expect(finished.video.bytes).toBe(h.sim.video.size);
    expect(finished.video.shareLink).toMatch(/^http:\/\/127\.0\.0\.1:3000\/v\/[A-Za-z0-9_-]{22}$/);
    expect(finished.messageId).toBe('progress-message');
    const progress = messages
      .filter((m) => m.kind === 'progress')
      .map((m) => (m.kind === 'progress' ? m.update.progress : -1));
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);

    const key = `clips/${finished.video.shareLink.split('/v/')[1]}.mp4`;
    const stored = await h.s3Client.send(new GetObjectCommand({ Bucket: h.s3.bucket, Key: key }));
    expect(stored.ContentType).toBe('video/mp4');
    expect(stored.ContentDisposition).toBe('inline; filename="a-corgi-surfing-at-sunset.mp4"');
    expect(stored.Metadata).toMatchObject({ model: 'veo-3.1-generate-preview', 'requester-id': 'U123' });
    expect((await collect(stored.Body as never)).equals(h.sim.video.bytes())).toBe(true);

    const ranged = await fetch(finished.video.link, { headers: { range: 'bytes=100-199' } });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(h.sim.video.bytes().subarray(100, 200))).toBe(true);
    expect(new URL(finished.video.link).searchParams.get('X-Amz-Expires')).toBe('604800');
  });

  it('reports a FAILURE with TokenBay’s reason', async () => {
    const execution = await h.run('a cat [fail]', 'fail-1');
    expectFailedCleanly(execution, h.notifier.for('C-fail-1'));
    expectOneSubmitAndPoliteGaps('a cat [fail]');
    const failed = h.notifier.for('C-fail-1').find((m) => m.kind === 'failed');
    expect(failed?.kind === 'failed' && failed.failure).toMatchObject({
      kind: 'failed',
      reason:
        'TokenBay could not make the video: The prompt was flagged by the content safety system (simulated [fail]).',
      reference: 'fail-1',
    });
  });

  it('reports a 200-with-error on submit as TokenBay’s message, and never polls', async () => {
    const execution = await h.run('a dog [reject]', 'reject-1');
    expectFailedCleanly(execution, h.notifier.for('C-reject-1'));
    expect(execution.statesEntered.CheckStatus).toBeUndefined(); // never polled
    expectOneSubmitAndPoliteGaps('a dog [reject]');
    const messages = h.notifier.for('C-reject-1');
    expect(messages.map((m) => m.kind)).toEqual(['failed']);
    expect(messages[0]?.kind === 'failed' && messages[0].failure.reason).toBe(
      'TokenBay rejected the request: Your prompt was rejected by the safety system (simulated [reject]).',
    );
  });

  it('gives up at the deadline and says so', async () => {
    const execution = await h.run('a horse [never]', 'never-1');
    expectFailedCleanly(execution, h.notifier.for('C-never-1'));
    expectOneSubmitAndPoliteGaps('a horse [never]');
    const failed = h.notifier.for('C-never-1').find((m) => m.kind === 'failed');
    expect(failed?.kind === 'failed' && failed.failure).toMatchObject({
      kind: 'timed-out',
      reason: 'The video was not ready after 5 minutes, so clipbay stopped waiting.',
    });
    // 300 virtual seconds at one poll every 5+ s: about 55–60 polls, never more.
    const taskId = h.sim.taskIds().find((id) => h.sim.pollTimes(id).length > 40)!;
    expect(h.sim.pollTimes(taskId).length).toBeLessThanOrEqual(300 / POLL_INTERVAL_SECONDS);
  });

  it('resumes a download cut at 40 % into a byte-identical object', async () => {
    h.sim.inject('content', { resetAtFraction: 0.4 });
    const execution = await h.run('a river --duration 4', 'cut-1');
    expect(execution.status).toBe('SUCCEEDED');
    expectOneSubmitAndPoliteGaps('a river');
    const finished = h.notifier.for('C-cut-1').find((m) => m.kind === 'finished');
    if (finished?.kind !== 'finished') throw new Error('no finished message');
    const key = `clips/${finished.video.shareLink.split('/v/')[1]}.mp4`;
    const head = await h.s3Client.send(new HeadObjectCommand({ Bucket: h.s3.bucket, Key: key }));
    expect(head.ContentLength).toBe(h.sim.video.size);
    const stored = await h.s3Client.send(new GetObjectCommand({ Bucket: h.s3.bucket, Key: key }));
    expect((await collect(stored.Body as never)).equals(h.sim.video.bytes())).toBe(true);
    const ranges = h.sim.requests.filter((r) => r.route === 'content').map((r) => r.range);
    expect(ranges).toContain(`bytes=${Math.floor(h.sim.video.size * 0.4)}-`);
  });

  it('keeps polling through 429 and 5xx within the deadline', async () => {
    h.sim.inject('poll', 'rate-limit', 'server-error', 'rate-limit');
    const execution = await h.run('a storm', 'flaky-1');
    expect(execution.status).toBe('SUCCEEDED');
    expectOneSubmitAndPoliteGaps('a storm');
  });

  it('never sends a submit again when it may have reached TokenBay', async () => {
    h.sim.inject('submit', 'reset-after-body');
    const execution = await h.run('a comet', 'maybe-1');
    expectFailedCleanly(execution, h.notifier.for('C-maybe-1'));
    expect(h.sim.submits().filter((r) => (r.body as { prompt: string }).prompt === 'a comet')).toHaveLength(
      1,
    );
    const failed = h.notifier.for('C-maybe-1').find((m) => m.kind === 'failed');
    expect(failed?.kind === 'failed' && failed.failure.kind).toBe('unavailable');
  });
});
