import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { LocalExecution } from '../../local/workflow/local-workflow.js';
import { ledgerView } from '../helpers/ledger-view.js';
import {
  rerollClick,
  sendDiscordCommand,
  sendSlackButton,
  sendSlackCommand,
} from '../helpers/chat-commands.js';
import { SLACK_ACTION } from '../../bots/slack/slack-messages.js';
import { InteractionType } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wildcard, type PolicyStatement } from '../../local/account/iam-policy.js';
import { discordInteraction, videoCommandData } from '../../local/stack/discord-interaction.js';
import { FakeChatFiles } from '../../local/simulator/fake-chat-files.js';
import { discordHeaders, slackHeaders } from '../../local/stack/request-signing.js';
import { slackCommandBody } from '../../local/stack/slack-command.js';
import { withIngressEnvironment } from '../helpers/template-edits.js';
import { startStackWithFakeChat, type StackWithFakeChat } from '../helpers/local-stack-harness.js';
import { templateIam, type TemplateIam } from '../helpers/template-iam.js';

const SECRET = 'roles-test-signing-secret';
/** The users the helpers send as by default (local/stack/slack-command.ts, discord-interaction.ts). */
const SLACK_USER = 'U1';
const DISCORD_USER = '123456789012345678';
/** What `/video history` answers once it has read its index (a list, or that there is none yet). */
const HISTORY_ANSWER =
  /^((Your|This channel's) last \d+ clips:|You have not made a clip here yet\.|No clips were made in this channel yet\.)/;
/** Larger than SaveToS3's 8 MiB part, so every save is a real multipart upload. */
const VIDEO_BYTES = 20 * 1024 * 1024;

/**
 * Grants each role has that no run here exercises, each with the reason it stays. Anything else a
 * role grants must be used by some call below, and every call below must be allowed: the roles are
 * exactly what the code needs, checked on the deployed template by the account that enforces it.
 */
const UNUSED_BY_DESIGN: Record<string, string> = {
  'logs:CreateLogStream': 'Lambda writes the function logs itself; the code never calls CloudWatch Logs.',
  'logs:PutLogEvents': 'Lambda writes the function logs itself; the code never calls CloudWatch Logs.',
  'xray:PutTraceSegments': 'Active tracing: the Lambda service sends the segments, not the code.',
  'xray:PutTelemetryRecords': 'Active tracing: the Lambda service sends the records, not the code.',
  'secretsmanager:DescribeSecret':
    'Part of CDK grantRead; the secrets code calls only GetSecretValue. Harmless (metadata only).',
};

type Decision = StackWithFakeChat['stack']['account']['iam']['decisions'][number];

/** Role name (as in the assumed-role ARN) → the function's logical id prefix. */
function functionOf(decision: Decision): string | undefined {
  return /assumed-role\/([A-Za-z0-9]+?)Role[0-9A-F]{8}\//.exec(decision.principal)?.[1];
}

describe('each function uses exactly the grants its role has (real videos in the emulated account)', () => {
  let running: StackWithFakeChat;
  let decisions: Decision[];
  let allows: Map<string, PolicyStatement[]>;
  let n = 0;

  const slack = async (text: string) => {
    const { stack, chat } = running;
    const trigger = `${Date.now()}.${++n}.roles`;
    const body = slackCommandBody({
      text,
      triggerId: trigger,
      responseUrl: `${chat.url}/hooks/${trigger}`,
      userId: 'U123',
      channelId: `C-${trigger}`,
    });
    const response = await fetch(`${stack.url}/slack/events`, {
      method: 'POST',
      headers: slackHeaders(SECRET, body),
      body,
    });
    expect(response.status).toBe(200);
    const execution = stack.workflow.list().find((e) => e.name === trigger)!;
    return { trigger, execution, done: await execution.done };
  };

  const discord = async (payload: Record<string, unknown>) => {
    const { stack } = running;
    const body = JSON.stringify(payload);
    const response = await fetch(`${stack.url}/discord/interactions`, {
      method: 'POST',
      headers: discordHeaders(stack.keys.discordPrivateKey, body),
      body,
    });
    expect(response.status).toBe(200);
    const execution = stack.workflow.list().find((e) => e.name === payload.id)!;
    return { execution, done: await execution.done };
  };
  const discordCommand = (prompt: string) =>
    discordInteraction({
      id: `${Date.now()}${String(++n).padStart(5, '0')}`,
      applicationId: running.stack.discordApplicationId,
      guildId: '300000000000000003',
      data: videoCommandData([{ name: 'prompt', type: 3, value: prompt }]),
    });

  /**
   * A failed run's whole outcome: ended in the definition's own Fail state after one ReportFailure
   * and one settle, the person told exactly once (the failure with its reference, never a clip),
   * its ledger row closed as an error, and its slot given back.
   */
  const FAILED_WHOLE = {
    status: 'FAILED',
    error: 'VideoFailed',
    told: 1,
    settled: 1,
    answers: 1,
    clips: 0,
    outcome: 'error',
    slotHeld: false,
  };
  /** TokenBay said the task failed: the row says so (`error` is a run clipbay itself ended). */
  const FAILED_BY_TOKENBAY = { ...FAILED_WHOLE, outcome: 'failed' };
  /** Interaction tokens a test made expire: Discord answers 401 to every edit through them. */
  const expiredTokens = new Set<string>();
  const failedWhole = async ({ execution, done }: { execution: LocalExecution; done: LocalExecution }) => {
    const { stack, chat } = running;
    await stack.account.settle();
    // What the channel shows: not the edits an expired interaction token refused.
    const messages = chat.requests
      .filter((r) => ![...expiredTokens].some((token) => r.path.includes(`/${token}/`)))
      .filter((r) => JSON.stringify(r.body).includes(execution.name))
      .map((r) => JSON.stringify(r.body));
    const ledger = await ledgerView(stack);
    return {
      status: done.status,
      error: done.error,
      told: done.statesEntered.ReportFailure,
      settled: done.statesEntered.SettleFailedRunUsage,
      answers: messages.filter((m) => m.includes('Reference')).length,
      clips: messages.filter((m) => /clipbay_watch|Download MP4/.test(m)).length,
      outcome: ledger.run(execution.name)?.outcome,
      slotHeld: ['U123', SLACK_USER, DISCORD_USER].some((user) =>
        ledger.slotsHeld(user).some((slot) => slot.startsWith(`${execution.name}@`)),
      ),
    };
  };

  beforeAll(async () => {
    running = await startStackWithFakeChat(
      { SLACK_SIGNING_SECRET: SECRET, DISCORD_BOT_TOKEN: 'bot-token' },
      { videoSize: VIDEO_BYTES },
      // Admins (the default Slack and Discord users), so `history --all` reads the channel's index:
      // set on the synthesized template as `-c CLIPBAY_ADMINS` would, so this file needs no synth of its own.
      { editTemplate: withIngressEnvironment({ CLIPBAY_ADMINS: `${SLACK_USER},${DISCORD_USER}` }) },
    );
    const { stack, chat } = running;

    // 1. A Slack video that succeeds; its presigned download link (signed by PostLink) and its share
    //    link (ShareLink presigns on each visit) are opened, and so is the share link of no clip.
    const ok = await slack('a corgi surfing');
    expect(ok.done.status).toBe('SUCCEEDED');
    const final = JSON.stringify(chat.to(`/hooks/${ok.trigger}`).at(-1)!.body).replaceAll('&amp;', '&');
    const download = /<(https?:\/\/[^|>]+X-Amz-Signature=[^|>]+)\|/.exec(final)![1]!;
    const share = /https?:\/\/[^\s"<>|]+\/v\/[A-Za-z0-9_-]{22}/.exec(final)![0];
    for (const link of [download, share]) {
      const response = await fetch(link);
      expect(response.status, `${link} ${response.status === 200 ? '' : await response.clone().text()}`).toBe(
        200,
      );
      expect((await response.arrayBuffer()).byteLength).toBe(VIDEO_BYTES);
    }
    // 1b. A video from an image shared in chat (Animate's path): Submit copies it from the chat's file
    //     host into images/ and presigns TokenBay's link, which TokenBay then reads.
    const sharedFiles = new FakeChatFiles(chat);
    const image = sharedFiles.share('first.png', Buffer.from('\x89PNG\r\n\x1a\nroles'), 'image/png');
    const animated = await slack(`a harbor at dusk --image ${image}`);
    expect(animated.done.status).toBe('SUCCEEDED');
    const sent = stack.simulator!.requests.find(
      (r) => r.route === 'submit' && (r.body as { prompt?: string }).prompt === 'a harbor at dusk',
    )!.body as { image: string };
    expect(sent.image).toContain('/images/');
    expect((await fetch(sent.image)).status).toBe(200);
    // One over the size cap, sent with no length: cut off mid-upload, its multipart upload aborted.
    const oversized = sharedFiles.share('huge.png', Buffer.alloc(11 * 2 ** 20, 1), 'image/png', undefined, {
      chunked: true,
    });
    const huge = await slack(`a huge harbor --image ${oversized}`);
    expect(await failedWhole(huge)).toEqual(FAILED_WHOLE);
    // Refused before TokenBay, and no copy or unfinished upload of it left under images/.
    expect(
      stack.simulator!.submits().filter((r) => JSON.stringify(r.body).includes('a huge harbor')),
    ).toEqual([]);
    const s3 = new S3Client({ ...stack.account.operatorClientConfig(), forcePathStyle: true });
    try {
      const prefix = `images/${encodeURIComponent(huge.execution.name)}/`;
      const [objects, uploads] = await Promise.all([
        s3.send(new ListObjectsV2Command({ Bucket: stack.s3.bucket, Prefix: prefix })),
        s3.send(new ListMultipartUploadsCommand({ Bucket: stack.s3.bucket, Prefix: prefix })),
      ]);
      expect({ objects: objects.KeyCount ?? 0, uploads: uploads.Uploads?.length ?? 0 }).toEqual({
        objects: 0,
        uploads: 0,
      });
    } finally {
      s3.destroy();
    }

    // A missing clip is "expired" whether or not S3's implicit ListBucket check for a missing key
    // carries s3:prefix (AWS does not say): 404 from HEAD, or 403 and then a listing of the key.
    for (const carriesPrefix of [false, true]) {
      stack.account.s3.implicitListCarriesPrefix = carriesPrefix;
      const missing = await fetch(`${stack.url}/v/ZZZZZZZZZZZZZZZZZZZZZZ`);
      expect({ carriesPrefix, status: missing.status, body: await missing.text() }).toEqual({
        carriesPrefix,
        status: 404,
        body: 'This clip has expired or never existed.',
      });
    }
    stack.account.s3.implicitListCarriesPrefix = false;

    // 2. A re-roll from that clip's Slack button (DescribeExecution of the original).
    const reroll = `${Date.now()}.${++n}.roles`;
    const payload = rerollClick(chat.url, ok.trigger, reroll, {
      user: { id: 'U999', name: 'bo' },
      channelId: 'C-reroll',
    });
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    expect(
      (
        await fetch(`${stack.url}/slack/events`, {
          method: 'POST',
          headers: slackHeaders(SECRET, body),
          body,
        })
      ).status,
    ).toBe(200);
    expect((await stack.workflow.list().find((e) => e.name === reroll)!.done).status).toBe('SUCCEEDED');

    // 3. A Slack video TokenBay fails (ReportFailure), and the same two on Discord, with a button.
    // Each failure ends in the definition's own Fail state after it was told and settled.
    expect(await failedWhole(await slack('a cat [fail]'))).toEqual(FAILED_BY_TOKENBAY);
    // The Discord ones answer after their interaction token expired (401 on @original), so each
    // run's message is posted to the channel with the bot token, once: the step that posts it
    // reads the run's ledger row first (GetItem) and records the new message there (UpdateItem).
    const expired = (interaction: Record<string, unknown>) => {
      expiredTokens.add(String(interaction.token));
      chat.answer(new RegExp(`PATCH .*/${String(interaction.token)}/messages/@original`), 401, {
        message: '401: Unauthorized',
        code: 0,
      });
    };
    const inChannel = (interaction: Record<string, unknown>) =>
      chat.requests.filter(
        (r) =>
          r.method === 'POST' &&
          r.path.endsWith(`/channels/${String(interaction.channel_id)}/messages`) &&
          JSON.stringify(r.body).includes(String(interaction.id)),
      );
    // Ready (or failed) at the first poll, so no progress: PostLink and ReportFailure post anew.
    // The clip is small enough to attach: PostLink also claims its one upload on the run's row
    // before it streams the clip from S3 into Discord.
    const fromDiscord = discordCommand('a lighthouse at night');
    const failing = discordCommand('a dog [fail]');
    const generation = stack.simulator!.options.generationSeconds;
    stack.simulator!.useVideoSize(2 * 2 ** 20);
    stack.simulator!.options.generationSeconds = 0;
    try {
      expired(fromDiscord);
      expect((await discord(fromDiscord)).done.status).toBe('SUCCEEDED');
      expired(failing);
      expect(await failedWhole(await discord(failing))).toEqual(FAILED_BY_TOKENBAY);
    } finally {
      stack.simulator!.useVideoSize(VIDEO_BYTES);
      stack.simulator!.options.generationSeconds = generation;
    }
    expect(inChannel(fromDiscord).map((r) => r.files.length)).toEqual([1]);
    expect(inChannel(failing)).toHaveLength(1);
    // The vertical re-run shows progress first: CheckStatus posts it to the channel.
    const click = discordInteraction({
      id: `${Date.now()}${String(++n).padStart(5, '0')}`,
      type: InteractionType.MessageComponent,
      applicationId: stack.discordApplicationId,
      user: { id: '876543210987654321', username: 'bo' },
      data: { custom_id: `clipbay:vertical:${String(fromDiscord.id)}`, component_type: 2 },
    });
    expired(click);
    expect((await discord(click)).done.status).toBe('SUCCEEDED');
    expect(inChannel(click)).toHaveLength(1);

    // 4. A download cut four times past the first 8 MiB part: SaveToS3 gives up on that attempt
    //    (three resumes at most), lib-storage aborts the multipart upload, and the state machine's
    //    retry saves the clip from the start.
    stack.simulator!.inject(
      'content',
      { resetAtFraction: 0.45 },
      { resetAtFraction: 0.5 },
      { resetAtFraction: 0.55 },
      { resetAtFraction: 0.6 },
    );
    const cut = await slack('a storm at sea');
    expect(cut.done.status).toBe('SUCCEEDED');
    expect(
      running.functionLogs.some((l) => l.fn.startsWith('SaveToS3Fn') && /TransferInterrupted/.test(l.line)),
    ).toBe(true);

    // 4b. On each platform, a run cancelled from its progress message by the one who asked
    //     (DescribeExecution to check, the ledger row closed, StopExecution).
    const generationSeconds = stack.simulator!.options.generationSeconds;
    stack.simulator!.options.generationSeconds = 60;
    try {
      const slackRun = `${Date.now()}.${++n}.cancel`;
      await sendSlackCommand(running, { text: 'a run to cancel', trigger: slackRun });
      expect(
        await sendSlackButton(running, {
          actionId: SLACK_ACTION.cancel,
          value: slackRun,
          trigger: `${slackRun}.press`,
        }),
      ).toBe(200);
      const discordRun = await sendDiscordCommand(running, {
        prompt: 'a run to cancel',
        guild: '300000000000000003',
      });
      const press = JSON.stringify(
        discordInteraction({
          id: `${Date.now()}${String(++n).padStart(5, '0')}`,
          type: InteractionType.MessageComponent,
          applicationId: stack.discordApplicationId,
          guildId: '300000000000000003',
          data: { custom_id: `clipbay:cancel:${discordRun.id}`, component_type: 2 },
        }),
      );
      const pressed = await fetch(`${stack.url}/discord/interactions`, {
        method: 'POST',
        headers: discordHeaders(stack.keys.discordPrivateKey, press),
        body: press,
      });
      expect(((await pressed.json()) as { type: number }).type).toBe(7); // the progress, updated in place
      for (const name of [slackRun, discordRun.id])
        expect((await stack.workflow.list().find((e) => e.name === name)!.done).status).toBe('ABORTED');
    } finally {
      stack.simulator!.options.generationSeconds = generationSeconds;
    }

    // 5. On each platform, `/video usage` (the ledger read in one BatchGetItem) and a command whose
    //    start Step Functions throttles for good (the reservation undone: the run's row deleted).
    const usage = await sendSlackCommand(running, { text: 'usage', trigger: `${Date.now()}.${++n}.usage` });
    expect(usage.body.text).toContain('Your clipbay usage');
    const discordUsage = await sendDiscordCommand(running, { prompt: 'usage', guild: '300000000000000003' });
    expect(discordUsage.body.data?.content).toContain('Your clipbay usage');
    //    `/video history` and `history --all`: one Query of each history index, on each platform.
    for (const text of ['history', 'history --all']) {
      const history = await sendSlackCommand(running, { text, trigger: `${Date.now()}.${++n}.history` });
      expect(history.body.text).toMatch(HISTORY_ANSWER);
      const discordHistory = await sendDiscordCommand(running, { prompt: text, guild: '300000000000000003' });
      expect(discordHistory.body.data?.content).toMatch(HISTORY_ANSWER);
    }
    stack.account.stepFunctions.throttleNext = 1_000;
    try {
      const busy = await sendSlackCommand(running, {
        text: 'a busy day',
        trigger: `${Date.now()}.${++n}.busy`,
      });
      expect(busy.body.text).toContain('clipbay is busy');
      const discordBusy = await sendDiscordCommand(running, {
        prompt: 'a busy day',
        guild: '300000000000000003',
      });
      expect(discordBusy.body.data?.content).toContain('clipbay is busy');
    } finally {
      stack.account.stepFunctions.throttleNext = 0;
    }

    // Every execution's end reaches RunEnded through EventBridge, after the execution itself.
    await stack.account.settle();
    decisions = [...stack.account.iam.decisions];
    const resolver = stack.account.resolver;
    allows = new Map();
    for (const [id, fn] of resolver.resourcesOfType('AWS::Lambda::Function')) {
      const statements = stack.account.iam
        .policiesOf(resolver.string(fn.Properties!.Role))
        .flatMap((doc) => doc.Statement)
        .filter((s) => s.Effect === 'Allow');
      allows.set(id.replace(/[0-9A-F]{8}$/, ''), statements);
    }
  }, 300_000);
  afterAll(() => running?.close(), 120_000);

  it('allowed every call each function made', () => {
    const byFunction = decisions.filter(functionOf);
    expect(byFunction.length).toBeGreaterThan(20);
    // The one refusal is S3's own implicit ListBucket check on the missing clip (without
    // s3:prefix, as the account assumes by default), which ShareLink answers by listing the key.
    expect(
      byFunction.filter((d) => !d.allowed).map((d) => `${functionOf(d)} ${d.action} ${d.resource}`),
    ).toEqual([expect.stringMatching(/^ShareLinkFn s3:ListBucket arn:aws:s3:::[^/]+$/)]);
  });

  it('SaveToS3 aborted a multipart upload under clips/, and Submit the cut-off image under images/, each allowed by its role', () => {
    const aborts = decisions.filter((d) => d.action === 's3:AbortMultipartUpload');
    const clips = aborts.filter((d) => /\/clips\//.test(d.resource));
    const images = aborts.filter((d) => !clips.includes(d));
    expect(clips.length).toBeGreaterThan(0);
    expect(clips.every((d) => d.allowed && functionOf(d) === 'SaveToS3Fn')).toBe(true);
    expect(clips[0]!.resource).toMatch(/^arn:aws:s3:::[^/]+\/clips\/[A-Za-z0-9_-]{22}\.mp4$/);
    expect(images.length).toBeGreaterThan(0);
    expect(images.every((d) => d.allowed && functionOf(d) === 'SubmitFn')).toBe(true);
    expect(images.every((d) => /^arn:aws:s3:::[^/]+\/images\/[^/]+\/0\.png$/.test(d.resource))).toBe(true);
  });

  it('grants each function nothing it never used, but for the grants listed with a reason', () => {
    const unused: string[] = [];
    for (const [fn, statements] of allows) {
      const made = decisions.filter((d) => d.allowed && functionOf(d) === fn);
      for (const statement of statements)
        for (const action of [statement.Action ?? []].flat())
          for (const resource of [statement.Resource ?? []].flat()) {
            if (action in UNUSED_BY_DESIGN) continue;
            const used = made.some((d) => d.action === action && wildcard(resource, d.resource, false));
            if (!used) unused.push(`${fn} ${action} ${resource}`);
          }
    }
    expect(unused).toEqual([]);
    expect([...allows.keys()].sort()).toEqual([
      'CheckStatusFn',
      'DiscordInteractionsFn',
      'PostLinkFn',
      'ReportFailureFn',
      'RunEndedFn',
      'SaveToS3Fn',
      'SettleUsageFn',
      'ShareLinkFn',
      'SlackEventsFn',
      'SubmitFn',
    ]);
  });
});

/** The two grants whose loss a mutant showed no test would notice, checked on the template itself. */
describe('the template grants what a failed transfer and a submit need', () => {
  let t: TemplateIam;

  beforeAll(async () => {
    t = await templateIam();
  });

  it('SaveToS3 may abort a multipart upload under clips/, and nowhere else', () => {
    const [bucketId] = t.resolver
      .resourcesOfType('AWS::S3::Bucket')
      .find(([, b]) => JSON.stringify(b.Properties ?? {}).includes('"clips/"'))!;
    const name = t.resolver.ref(bucketId);
    const save = t.roleOf('SaveToS3Fn');
    const abort = (key: string) =>
      t.iam.decide(
        save,
        { action: 's3:AbortMultipartUpload', resource: `arn:aws:s3:::${name}/${key}` },
        name,
      );
    expect(abort('clips/AbCdEfGhIjKlMnOpQrStUv.mp4').allowed).toBe(true);
    expect(abort('logs/x').allowed).toBe(false);
    expect(
      t.iam.decide(
        t.roleOf('PostLinkFn'),
        { action: 's3:AbortMultipartUpload', resource: `arn:aws:s3:::${name}/clips/x.mp4` },
        name,
      ).allowed,
    ).toBe(false);
  });

  it('Submit may read the TokenBay secret', () => {
    const secretArn = t.secretArn('tokenBay');
    expect(
      t.iam.decide(t.roleOf('SubmitFn'), { action: 'secretsmanager:GetSecretValue', resource: secretArn })
        .allowed,
    ).toBe(true);
    expect(
      t.iam.decide(t.roleOf('SlackEventsFn'), {
        action: 'secretsmanager:GetSecretValue',
        resource: secretArn,
      }).allowed,
    ).toBe(false);
  });
});
