import { loadConfig } from '../../functions/core/config.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { SECRET_ENV } from '../../infra/clipbay-stack.js';
import { templateIam, type TemplateIam } from '../helpers/template-iam.js';

/** What each function's code reads (functions/runtime/secrets.ts reads the secrets its environment names). */
const READS: Record<string, (keyof typeof SECRET_ENV)[]> = {
  // Reads a chat file with the platform's bot token (Animate: Slack's private files).
  SubmitFn: ['tokenBay', 'slack', 'discord'],
  CheckStatusFn: ['tokenBay', 'slack', 'discord'],
  SaveToS3Fn: ['tokenBay'],
  PostLinkFn: ['slack', 'discord'],
  ReportFailureFn: ['slack', 'discord'],
  ShareLinkFn: [],
  SettleUsageFn: ['tokenBay'],
  // Tells the channel about a run that ended outside the workflow's own failure path.
  RunEndedFn: ['slack', 'discord'],
  SlackEventsFn: ['slack'],
  DiscordInteractionsFn: ['discord'],
};

/**
 * The bug that made every deployed command fail: functions' environments named secrets their roles
 * could not read. Both directions, for every function and every secret, on the synthesized template
 * evaluated by the same IAM the local account enforces.
 */
describe('each function names exactly the secrets its role may read', () => {
  let t: TemplateIam;

  beforeAll(async () => {
    t = await templateIam();
  });

  it('covers every function of the template', () => {
    const ids = t.resolver
      .resourcesOfType('AWS::Lambda::Function')
      .map(([id]) => id.replace(/[0-9A-F]{8}$/, ''));
    expect(ids.sort()).toEqual(Object.keys(READS).sort());
  });

  it.each(Object.entries(READS))('%s', (prefix, reads) => {
    const env = t.environmentOf(t.functionOf(prefix)[1]);
    const role = t.roleOf(prefix);
    for (const [kind, variable] of Object.entries(SECRET_ENV) as [keyof typeof SECRET_ENV, string][]) {
      const secretArn = t.secretArn(kind);
      const named = env[variable] === secretArn;
      const readable = t.iam.decide(role, {
        action: 'secretsmanager:GetSecretValue',
        resource: secretArn,
      }).allowed;
      expect({ kind, named, readable }).toEqual({
        kind,
        named: reads.includes(kind),
        readable: reads.includes(kind),
      });
    }
  });

  it('deploys the documented defaults: 300 s for generation, 600 s for editing, links asked for 7 days', () => {
    // A function is given only the settings it reads, and only those a team set: the rest are the
    // schema's defaults, which the function applies to its own environment.
    for (const [, fn] of t.resolver.resourcesOfType('AWS::Lambda::Function')) {
      expect(loadConfig(t.environmentOf(fn))).toMatchObject({
        generationTimeoutSeconds: 300,
        editTimeoutSeconds: 600,
        linkExpirySeconds: 604_800,
        inline: 'auto',
      });
      expect(t.environmentOf(fn)).not.toHaveProperty('POLL_INTERVAL_SECONDS'); // the state machine's
    }
    // cdk.json deploys the documented poll interval: the state machine's Wait.
    const [, machine] = t.resolver.resourcesOfType('AWS::StepFunctions::StateMachine')[0]!;
    const definition = JSON.parse(t.resolver.string(machine.Properties!.DefinitionString)) as {
      States: Record<string, { Type: string; Seconds?: number }>;
    };
    expect(definition.States.WaitForVideo).toMatchObject({ Type: 'Wait', Seconds: 15 });
  });

  it('lets PostLink upload clips to chat: CLIPBAY_INLINE=auto, 300 s to stream the clip, s3:GetObject on clips/', () => {
    const [, postLink] = t.functionOf('PostLinkFn');
    expect(loadConfig(t.environmentOf(postLink)).inline).toBe('auto');
    expect(postLink.Properties!.Timeout).toBe(300);
    const [videos] = t.resolver
      .resourcesOfType('AWS::S3::Bucket')
      .find(([name]) => name.startsWith('Videos'))!;
    const clip = `${t.resolver.getAtt(videos, 'Arn')}/clips/AbCdEfGhIjKlMnOpQrStUv.mp4`;
    expect(t.iam.decide(t.roleOf('PostLinkFn'), { action: 's3:GetObject', resource: clip }).allowed).toBe(
      true,
    );
  });
});
