import { NO_HISTORY_TEXT, NO_LEDGER_TEXT } from '../../functions/core/ingress/metered-intake.js';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../functions/core/errors.js';
import { RERUN, requestFinder, rerunRequest, rerunVideo } from '../../functions/core/ingress/rerun-video.js';
import type { VideoRequest } from '../../functions/core/request/video-request.js';
import type { WorkflowInput } from '../../functions/core/chat/accepted-command.js';

/** A request that HAS a seed: a re-roll that kept it would make the same video again. */
const ORIGINAL: VideoRequest = {
  prompt: 'a corgi surfing',
  model: 'veo-3.1-generate-preview',
  family: 'veo',
  duration: 8,
  resolution: '720p',
  ratio: '16:9',
  seed: 42,
  images: [],
  references: [],
};

const CONTEXT = {
  id: 'click-1',
  replyTo: { platform: 'slack' as const, responseUrl: 'https://hooks.slack.test/r', channelId: 'C1' },
  requestedBy: { id: 'U1', name: 'ana' },
};

function deps(seed?: () => number) {
  const started: WorkflowInput[] = [];
  return {
    started,
    deps: {
      startVideo: async (input: WorkflowInput) => {
        started.push(input);
        return started.length > 1 ? ('duplicate' as const) : ('started' as const);
      },
      defaultModel: 'veo-3.1-generate-preview',
      now: () => 1_700_000_000_000,
      findRequest: async (id: string) => (id === 'exec-1' ? ORIGINAL : undefined),
      usage: () => Promise.resolve(NO_LEDGER_TEXT),
      history: () => Promise.resolve(NO_HISTORY_TEXT),
      cancel: () => Promise.resolve({ kind: 'private' as const, text: 'nothing to cancel here' }),
      ...(seed ? { randomSeed: seed } : {}),
    },
  };
}

describe('re-roll and vertical', () => {
  it('re-roll: the same request with a new seed, never the original one', () => {
    expect(ORIGINAL.seed).toBe(42);
    const rerolled = rerunRequest(RERUN.reroll, ORIGINAL, 7);
    expect(rerolled).toEqual({ ...ORIGINAL, seed: 7 });
    expect(rerolled.seed).not.toBe(ORIGINAL.seed);
    expect(ORIGINAL.seed).toBe(42);
  });

  it('re-roll through rerunVideo starts a new execution whose seed differs from the original', async () => {
    const { started, deps: d } = deps(() => 7);
    const answer = await rerunVideo(RERUN.reroll, 'exec-1', CONTEXT, d);
    expect(started).toEqual([
      { ...CONTEXT, request: { ...ORIGINAL, seed: 7 }, requestedAt: 1_700_000_000_000 },
    ]);
    expect(answer).toEqual({
      kind: 'queued',
      request: { ...ORIGINAL, seed: 7 },
      requestedBy: CONTEXT.requestedBy,
      duplicate: false,
    });
    expect(await rerunVideo(RERUN.reroll, 'exec-1', CONTEXT, d)).toMatchObject({ duplicate: true });
  });

  it('draws a fresh random 32-bit seed when none is injected', async () => {
    const seeds = new Set<number>();
    for (let i = 0; i < 8; i++) {
      const { started, deps: d } = deps();
      await rerunVideo(RERUN.reroll, 'exec-1', CONTEXT, d);
      const seed = started[0]!.request.seed!;
      expect(Number.isInteger(seed)).toBe(true);
      expect(seed).toBeGreaterThanOrEqual(0);
      expect(seed).toBeLessThan(2 ** 32);
      expect(seed).not.toBe(ORIGINAL.seed);
      seeds.add(seed);
    }
    expect(seeds.size).toBeGreaterThan(1);
  });

  it('vertical: the same request (seed too) in 9:16, refused for a model that cannot', () => {
    expect(rerunRequest(RERUN.vertical, ORIGINAL, 7)).toEqual({ ...ORIGINAL, ratio: '9:16' });
    expect(() => rerunRequest(RERUN.vertical, { ...ORIGINAL, model: 'no-such-model' }, 7)).toThrow(
      new UsageError('no-such-model cannot make vertical videos.'),
    );
  });

  it('says the video is too old when its execution is gone, and starts nothing', async () => {
    const { started, deps: d } = deps(() => 7);
    await expect(rerunVideo(RERUN.reroll, 'exec-gone', CONTEXT, d)).rejects.toThrow(
      new UsageError('That video is too old to re-run; type the /video command again.'),
    );
    expect(started).toEqual([]);
  });
});

describe('requestFinder', () => {
  const sfn = mockClient(SFNClient);
  afterEach(() => sfn.reset());
  const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:Clipbay';

  it('reads the original request back from DescribeExecution of the named execution', async () => {
    const input: WorkflowInput = { ...CONTEXT, id: 'trigger/1', request: ORIGINAL, requestedAt: 1 };
    sfn.on(DescribeExecutionCommand).resolves({ input: JSON.stringify(input) });
    const find = requestFinder(new SFNClient({ region: 'eu-west-1' }), ARN);
    expect(await find('trigger/1')).toEqual(ORIGINAL);
    expect(sfn.commandCalls(DescribeExecutionCommand)[0]!.args[0].input).toEqual({
      executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:Clipbay:trigger_1',
    });
  });

  it('answers undefined for an execution that no longer exists or has no input, and throws otherwise', async () => {
    const find = requestFinder(new SFNClient({ region: 'eu-west-1' }), ARN);
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({})
      .rejectsOnce(Object.assign(new Error('gone'), { name: 'ExecutionDoesNotExist' }))
      .rejectsOnce(Object.assign(new Error('slow'), { name: 'ThrottlingException' }));
    expect(await find('x')).toBeUndefined();
    expect(await find('x')).toBeUndefined();
    await expect(find('x')).rejects.toThrow('slow');
  });
});
