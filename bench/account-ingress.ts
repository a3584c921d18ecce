import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocalConfig } from '../local/stack/local-config.js';
import { discordInteraction, videoCommandData } from '../local/stack/discord-interaction.js';
import type { CloudFormationTemplate } from '../local/account/template.js';
import { startLocalStack } from '../local/stack/local-stack.js';
import { discordHeaders, slackHeaders } from '../local/stack/request-signing.js';
import { slackCommandBody } from '../local/stack/slack-command.js';

const COLD_RUNS = 5;
const WARM_REQUESTS = 1000;

export interface AccountIngressRow {
  platform: 'slack' | 'discord';
  /** Which ledger configuration the row measured. */
  variant: IngressVariant;
  /** Median of COLD_RUNS: a fresh container (the bundle in a new process) answering its first request. */
  coldMs: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

/**
 * The usage ledger's share of the ack: the ingress without it (the template's USAGE_TABLE removed
 * from the two ingress functions), with it (the run's row, the slot and the day: three writes), and
 * with every limit set (conditional writes, one after another, plus the quota check).
 */
export const INGRESS_VARIANTS = {
  'no ledger': { env: {}, withoutLedger: true },
  ledger: { env: {}, withoutLedger: false },
  'ledger + limits': {
    env: {
      LIMIT_CONCURRENT_PER_USER: '1000000',
      LIMIT_VIDEOS_PER_USER_PER_DAY: '1000000',
      LIMIT_QUOTA_PER_MONTH: '1000000000',
      ALLOWED_CHANNELS: 'C1,200000000000000002',
    },
    withoutLedger: false,
  },
} as const;
export type IngressVariant = keyof typeof INGRESS_VARIANTS;

const withoutIngressLedger = (template: CloudFormationTemplate): CloudFormationTemplate => {
  const copy = structuredClone(template);
  for (const [id, resource] of Object.entries(copy.Resources))
    if (/^(SlackEvents|DiscordInteractions)Fn/.test(id) && resource.Type === 'AWS::Lambda::Function')
      delete (resource.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment
        .Variables.USAGE_TABLE;
  return copy;
};

/**
 * The headline ack latency: HTTP requests with real signatures into `npm start`'s stack, through
 * the template's HTTP API route as payload 2.0 events, to the ingress bundle in its own process,
 * whose StartExecution goes through the account's signed, IAM-checked Step Functions endpoint.
 * Executions are recorded but not run while measuring (in AWS they run elsewhere).
 */
export async function measureAccountIngress(variant: IngressVariant): Promise<AccountIngressRow[]> {
  const { env, withoutLedger } = INGRESS_VARIANTS[variant];
  const dataDir = await mkdtemp(join(tmpdir(), 'clipbay-bench-ingress-'));
  const stack = await startLocalStack({
    // The documented default Lambda quota: the bench measures clipbay, not a new account's limit.
    accountConcurrency: 1000,
    config: loadLocalConfig({ PORT: '0', POLL_INTERVAL_SECONDS: '15', ...env }),
    dataDir,
    ...(withoutLedger ? { editTemplate: withoutIngressLedger } : {}),
  });
  stack.account.workflow.holdExecutions = true;
  let n = 0;
  const request = async (platform: 'slack' | 'discord'): Promise<number> => {
    n++;
    let body: string;
    let headers: Record<string, string>;
    if (platform === 'slack') {
      body = slackCommandBody({
        text: 'a corgi surfing --duration 8',
        triggerId: `bench.${n}.x`,
        responseUrl: 'https://hooks.slack.test/1',
      });
      headers = slackHeaders(stack.slackSigningSecret, body);
    } else {
      body = JSON.stringify(
        discordInteraction({
          id: `7${String(n).padStart(17, '0')}`,
          applicationId: stack.discordApplicationId,
          data: videoCommandData([{ name: 'prompt', type: 3, value: 'a corgi surfing' }]),
        }),
      );
      headers = discordHeaders(stack.keys.discordPrivateKey, body);
    }
    const started = performance.now();
    const response = await fetch(
      `${stack.url}/${platform === 'slack' ? 'slack/events' : 'discord/interactions'}`,
      {
        method: 'POST',
        headers,
        body,
      },
    );
    await response.arrayBuffer();
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`${platform} answered ${response.status}`);
    return ms;
  };
  try {
    const rows: AccountIngressRow[] = [];
    for (const platform of ['slack', 'discord'] as const) {
      const fn = stack.account.fn(platform === 'slack' ? 'SlackEventsFn' : 'DiscordInteractionsFn');
      const colds: number[] = [];
      for (let i = 0; i < COLD_RUNS; i++) {
        fn.stop();
        colds.push(await request(platform));
      }
      const warm: number[] = [];
      for (let i = 0; i < WARM_REQUESTS; i++) warm.push(await request(platform));
      colds.sort((a, b) => a - b);
      warm.sort((a, b) => a - b);
      const pct = (p: number) => warm[Math.min(warm.length - 1, Math.floor((p / 100) * warm.length))]!;
      rows.push({
        platform,
        variant,
        coldMs: colds[Math.floor(COLD_RUNS / 2)]!,
        p50Ms: pct(50),
        p99Ms: pct(99),
        requests: COLD_RUNS + WARM_REQUESTS,
      });
    }
    const started = stack.workflow.list().length;
    if (started !== 2 * (COLD_RUNS + WARM_REQUESTS))
      throw new Error(`expected ${2 * (COLD_RUNS + WARM_REQUESTS)} executions, saw ${started}`);
    return rows;
  } finally {
    await stack.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
