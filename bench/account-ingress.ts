import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocalConfig } from '../local/stack/local-config.js';
import { discordInteraction, videoCommandData } from '../local/stack/discord-interaction.js';
import { STAGE_THROTTLE } from '../infra/clipbay-stack.js';
import type { CloudFormationTemplate } from '../local/account/template.js';
import { startLocalStack, type LocalStack } from '../local/stack/local-stack.js';
import { discordHeaders, slackHeaders } from '../local/stack/request-signing.js';
import { slackCommandBody } from '../local/stack/slack-command.js';

export const COLD_RUNS = 9;
const WARM_REQUESTS = 1000;

/** How many requests a measurement makes (fewer for a quick look; the bench uses the defaults). */
export interface AccountIngressCounts {
  coldRuns?: number;
  warmRequests?: number;
}

type Platform = 'slack' | 'discord';

export interface AccountIngressRow {
  platform: Platform;
  /** Which ledger configuration the row measured. */
  variant: IngressVariant;
  /** Median of the cold runs: a fresh container (the bundle in a new process) answering its first request. */
  coldMs: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

/**
 * The usage ledger's share of the ack: the ingress without it (the template's USAGE_TABLE removed
 * from the two ingress functions); with it (the run's row put and the user's day updated, two
 * writes sent at once, then StartExecution); and with every limit set (the same writes made
 * conditional, plus a read of the workspace's month for the quota, still sent at once).
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
const VARIANTS = Object.keys(INGRESS_VARIANTS) as IngressVariant[];

const withoutIngressLedger = (template: CloudFormationTemplate): CloudFormationTemplate => {
  const copy = structuredClone(template);
  for (const [id, resource] of Object.entries(copy.Resources))
    if (/^(SlackEvents|DiscordInteractions)Fn/.test(id) && resource.Type === 'AWS::Lambda::Function')
      delete (resource.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment
        .Variables.USAGE_TABLE;
  return copy;
};

export interface AccountIngressResult {
  rows: AccountIngressRow[];
  /** The account's own cost per request, measured in the `ledger` variant's stack. */
  cost: AccountCostRow[];
}

/**
 * The headline ack latency: HTTP requests with real signatures into `npm start`'s stack, through
 * the template's HTTP API route as payload 2.0 events, to the ingress bundle in its own process,
 * whose StartExecution goes through the account's signed, IAM-checked Step Functions endpoint.
 * Executions are recorded but not run while measuring (in AWS they run elsewhere).
 *
 * So that the variants compare (this machine's load changes from minute to minute), each has its
 * own stack, all running at once, and the requests take turns: one to each variant and platform,
 * then the next.
 * Each command comes from a user of its own, as a team's commands do: one user with a thousand
 * runs held (they never settle here) would make the ledger's day item grow with every request.
 */
export async function measureAccountIngress({
  coldRuns = COLD_RUNS,
  warmRequests = WARM_REQUESTS,
}: AccountIngressCounts = {}): Promise<AccountIngressResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'clipbay-bench-ingress-'));
  const stacks = new Map<IngressVariant, LocalStack>();
  try {
    for (const variant of VARIANTS) {
      const { env, withoutLedger } = INGRESS_VARIANTS[variant];
      const stack = await startLocalStack({
        // The documented default Lambda quota: the bench measures clipbay, not a new account's limit.
        accountConcurrency: 1000,
        config: loadLocalConfig({ PORT: '0', POLL_INTERVAL_SECONDS: '15', ...env }),
        dataDir: join(dataDir, variant.replace(/\W+/g, '-')),
        ...(withoutLedger ? { editTemplate: withoutIngressLedger } : {}),
      });
      stacks.set(variant, stack);
      // In AWS, executions run elsewhere; here they would compete with the ingress for the CPU.
      stack.account.workflow.holdExecutions = true;
    }
    let n = 0;
    const command = (stack: LocalStack, platform: Platform): Promise<number> => {
      n++;
      if (platform === 'slack') {
        const body = slackCommandBody({
          text: 'a corgi surfing --duration 8',
          triggerId: `bench.${n}.x`,
          responseUrl: 'https://hooks.slack.test/1',
          userId: `U${n}`,
        });
        return timedPost(`${stack.url}/slack/events`, {
          headers: slackHeaders(stack.slackSigningSecret, body),
          body,
          status: 200,
        });
      }
      const body = JSON.stringify(
        discordInteraction({
          id: `7${String(n).padStart(17, '0')}`,
          applicationId: stack.discordApplicationId,
          data: videoCommandData([{ name: 'prompt', type: 3, value: 'a corgi surfing' }]),
          user: { id: `3${String(n).padStart(17, '0')}`, username: `user${n}` },
        }),
      );
      return timedPost(`${stack.url}/discord/interactions`, {
        headers: discordHeaders(stack.keys.discordPrivateKey, body),
        body,
        status: 200,
      });
    };

    // Every variant and both platforms take turns, cold runs first, then the warm requests.
    const platforms = ['slack', 'discord'] as const;
    const fnId = (platform: Platform) => (platform === 'slack' ? 'SlackEventsFn' : 'DiscordInteractionsFn');
    const key = (variant: IngressVariant, platform: Platform) => `${variant}/${platform}`;
    const colds = new Map<string, number[]>();
    const warm = new Map<string, number[]>();
    const record = (times: Map<string, number[]>, at: string, ms: number) =>
      times.set(at, [...(times.get(at) ?? []), ms]);
    for (let i = 0; i < coldRuns; i++)
      for (const [variant, stack] of stacks)
        for (const platform of platforms) {
          stack.account.fn(fnId(platform)).stop();
          record(colds, key(variant, platform), await command(stack, platform));
        }
    for (let i = 0; i < warmRequests; i++)
      for (const [variant, stack] of stacks)
        for (const platform of platforms)
          record(warm, key(variant, platform), await command(stack, platform));
    const rows = platforms.flatMap((platform) =>
      VARIANTS.map((variant): AccountIngressRow => ({
        platform,
        variant,
        coldMs: median(colds.get(key(variant, platform))!),
        p50Ms: percentile(warm.get(key(variant, platform))!, 50),
        p99Ms: percentile(warm.get(key(variant, platform))!, 99),
        requests: coldRuns + warmRequests,
      })),
    );
    for (const [variant, stack] of stacks) {
      const started = stack.workflow.list().length;
      if (started !== 2 * (coldRuns + warmRequests))
        throw new Error(`${variant}: expected ${2 * (coldRuns + warmRequests)} executions, saw ${started}`);
    }
    const cost = await measureAccountCost(stacks.get('ledger')!, { coldRuns, warmRequests });
    return { rows, cost };
  } finally {
    for (const stack of stacks.values()) await stack.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export interface AccountCostRow {
  /** What one request went through. */
  what: string;
  /** Median of the cold runs, where a fresh process is part of it. */
  coldMs?: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

/**
 * The emulated account's own cost per request, so that the functions' share of the ingress rows
 * is visible:
 *
 * - the HTTP API route to the Slack ingress, refused by the function's first check (a timestamp
 *   in the future) before it reads a secret or makes any call: routing, the payload 2.0 event, the
 *   invocation handed to the function's process and the answer back. Cold, the container stopped
 *   first: the same plus a fresh process loading the bundle (the init, without the secret read);
 * - one signed SDK call from outside any function, as the operator: SigV4 verification, IAM and
 *   routing around a service answer that does nothing (DescribeExecution), and the same for
 *   DynamoDB (GetItem of a missing item), which the account forwards to dynalite over one more
 *   HTTP hop. Each ingress request makes one such call without the ledger (StartExecution), and
 *   two (three with the quota) DynamoDB calls at once before it with the ledger, so those are
 *   measured too: whether the account overlaps calls sent at once, or takes them in turn.
 */
async function measureAccountCost(
  stack: LocalStack,
  { coldRuns, warmRequests }: Required<AccountIngressCounts>,
): Promise<AccountCostRow[]> {
  const refused = () => {
    const body = slackCommandBody({
      text: 'a corgi surfing',
      triggerId: 'bench.refused.x',
      responseUrl: 'https://hooks.slack.test/1',
    });
    const future = Math.floor(Date.now() / 1000) + 3600;
    return timedPost(`${stack.url}/slack/events`, {
      headers: slackHeaders(stack.slackSigningSecret, body, future),
      body,
      status: 401,
    });
  };
  const fn = stack.account.fn('SlackEventsFn');
  const colds: number[] = [];
  for (let i = 0; i < coldRuns; i++) {
    fn.stop();
    colds.push(await refused());
  }
  const invoke = await repeat(warmRequests, refused);

  const operator = stack.account.operatorClientConfig();
  const sfn = new SFNClient({ ...operator, maxAttempts: 1 });
  const dynamo = new DynamoDBClient({ ...operator, maxAttempts: 1 });
  try {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: stack.account.stateMachineArn, name: 'bench-cost' }),
    );
    const describe = await repeat(warmRequests, () =>
      timed(() => sfn.send(new DescribeExecutionCommand({ executionArn }))),
    );
    const [table] = stack.account.dynamoDb.tableNames as [string];
    const key = { pk: { S: 'bench#nobody' }, sk: { S: 'run' } };
    const getItems = (count: number) =>
      repeat(warmRequests, () =>
        timed(() =>
          Promise.all(
            Array.from({ length: count }, () =>
              dynamo.send(new GetItemCommand({ TableName: table, Key: key })),
            ),
          ),
        ),
      );
    const [getItem, twoAtOnce, threeAtOnce] = [await getItems(1), await getItems(2), await getItems(3)];
    return [
      {
        what: 'HTTP API → Slack ingress, refused before any call (routing + invocation)',
        coldMs: median(colds),
        ...invoke,
        requests: coldRuns + warmRequests,
      },
      {
        what: 'one signed SDK call: Step Functions DescribeExecution (SigV4 + IAM + routing)',
        ...describe,
        requests: warmRequests,
      },
      {
        what: 'one signed SDK call: DynamoDB GetItem (SigV4 + IAM + routing + dynalite)',
        ...getItem,
        requests: warmRequests,
      },
      { what: 'two DynamoDB GetItem sent at once', ...twoAtOnce, requests: warmRequests },
      { what: 'three DynamoDB GetItem sent at once', ...threeAtOnce, requests: warmRequests },
    ];
  } finally {
    sfn.destroy();
    dynamo.destroy();
  }
}

/**
 * Requests to one stack are spaced to stay under its HTTP API stage's throttle (as Slack's and
 * Discord's own traffic would be), which would otherwise answer 429; the wait is not timed.
 */
const MIN_GAP_MS = 1000 / (0.8 * STAGE_THROTTLE.rate);
const lastSent = new Map<string, number>();

async function timedPost(
  url: string,
  { headers, body, status }: { headers: Record<string, string>; body: string; status: number },
): Promise<number> {
  const origin = new URL(url).origin;
  const wait = (lastSent.get(origin) ?? -Infinity) + MIN_GAP_MS - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  lastSent.set(origin, performance.now());
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers, body });
  await response.arrayBuffer();
  const ms = performance.now() - started;
  if (response.status !== status) throw new Error(`${url} answered ${response.status}, not ${status}`);
  return ms;
}

async function timed(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await call();
  return performance.now() - started;
}

async function repeat(count: number, once: () => Promise<number>): Promise<{ p50Ms: number; p99Ms: number }> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await once());
  return { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const median = (values: number[]) => percentile(values, 50);
