import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acceleratedClock } from '../functions/core/clock.js';
import { loadLocalConfig } from '../local/stack/local-config.js';
import { startLocalStack } from '../local/stack/local-stack.js';
import { slackHeaders } from '../local/stack/request-signing.js';
import { slackCommandBody } from '../local/stack/slack-command.js';

/** AWS list prices (us-east-1, 2026), named so the table can be re-run when they change. */
export const PRICE = {
  /** Step Functions Standard: $0.025 per 1,000 state transitions. */
  stateTransition: 0.025 / 1000,
  /** Lambda on arm64: per GB-second. */
  lambdaGbSecond: 0.0000133334,
  /** Lambda: $0.20 per million requests. */
  lambdaRequest: 0.2 / 1_000_000,
} as const;

/**
 * Lambda time per step, as deployed (memory from infra/clipbay-stack.ts). Durations are
 * assumptions for a typical 8 s 720p clip (~20 MB) moved at ~50 MB/s; they are inputs, not
 * measurements, and the table says so.
 */
export const STEP_COST = {
  submit: { seconds: 0.4, gb: 0.25 },
  checkStatus: { seconds: 0.15, gb: 0.25 },
  saveToS3: { seconds: 0.5, gb: 0.5 },
  postLink: { seconds: 0.3, gb: 0.25 },
} as const;
export const POLL_INTERVAL_SECONDS = 15;

export interface CostRow {
  generationMinutes: number;
  polls: number;
  transitions: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  dollarsPer1000: number;
  /** One Lambda that submits, sleeps through the task, and transfers (512 MB, needed for the upload). */
  sleepingLambdaGbSeconds: number;
  sleepingLambdaDollarsPer1000: number;
}

/**
 * Polls and transitions counted from the synthesized template running in the emulated account
 * (`npm start`'s stack: the bundles, the state machine, Secrets Manager, S3); dollars computed.
 * The state machine's Wait takes `waitMs` and the simulator's clock runs as much faster, so each
 * loop is still 15 s of the simulated render.
 */
export async function measureCost(minutes = [1, 2, 5, 10], waitMs = 500): Promise<CostRow[]> {
  const speed = (POLL_INTERVAL_SECONDS * 1000) / waitMs;
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const clock = acceleratedClock(speed);
  const dataDir = await mkdtemp(join(tmpdir(), 'clipbay-cost-'));
  const stack = await startLocalStack({
    // The documented default Lambda quota: the bench measures clipbay, not a new account's limit.
    accountConcurrency: 1000,
    config: loadLocalConfig({
      PORT: '0',
      POLL_INTERVAL_SECONDS: String(POLL_INTERVAL_SECONDS),
      // Longer than the default 5 min, to cost a 10-minute render.
      GENERATION_TIMEOUT_SECONDS: String(15 * 60),
      DISCORD_API_BASE: sinkUrl,
    }),
    dataDir,
    waitMs,
    retryIntervalMs: waitMs,
    simulator: { generationSeconds: 60, clock },
  });
  const run = async (id: string, generationMinutes: number) => {
    stack.simulator!.options.generationSeconds = generationMinutes * 60;
    const body = slackCommandBody({
      text: 'a cost model',
      triggerId: id,
      responseUrl: `${sinkUrl}/hooks/${id}`,
    });
    const response = await fetch(`${stack.url}/slack/events`, {
      method: 'POST',
      headers: slackHeaders(stack.slackSigningSecret, body),
      body,
    });
    if (response.status !== 200) throw new Error(`cost run ${id}: Slack ingress answered ${response.status}`);
    const execution = await stack.workflow.list().find((e) => e.name === id)!.done;
    if (execution.status !== 'SUCCEEDED') throw new Error(`cost run ${id} ended ${execution.status}`);
    return execution.statesEntered;
  };
  try {
    // A first run warms every function: cold starts would otherwise eat simulated minutes.
    await run('cost.warmup.x', 1);
    const rows: CostRow[] = [];
    for (const m of minutes) rows.push(costRow(m, await run(`cost.${m}.x`, m)));
    return rows;
  } finally {
    await stack.close();
    sink.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function costRow(m: number, statesEntered: Record<string, number>): CostRow {
  const polls = statesEntered.CheckStatus ?? 0;
  const transitions = Object.values(statesEntered).reduce((a, b) => a + b, 0);
  const lambdaGbSeconds =
    STEP_COST.submit.seconds * STEP_COST.submit.gb +
    polls * STEP_COST.checkStatus.seconds * STEP_COST.checkStatus.gb +
    STEP_COST.saveToS3.seconds * STEP_COST.saveToS3.gb +
    STEP_COST.postLink.seconds * STEP_COST.postLink.gb;
  const lambdaInvocations = 3 + polls;
  const perVideo =
    transitions * PRICE.stateTransition +
    lambdaGbSeconds * PRICE.lambdaGbSecond +
    lambdaInvocations * PRICE.lambdaRequest;
  const sleepingGbSeconds =
    (m * 60 + STEP_COST.submit.seconds + STEP_COST.saveToS3.seconds + STEP_COST.postLink.seconds) * 0.5;
  return {
    generationMinutes: m,
    polls,
    transitions,
    lambdaInvocations,
    lambdaGbSeconds,
    dollarsPer1000: perVideo * 1000,
    sleepingLambdaGbSeconds: sleepingGbSeconds,
    sleepingLambdaDollarsPer1000: (sleepingGbSeconds * PRICE.lambdaGbSecond + PRICE.lambdaRequest) * 1000,
  };
}
