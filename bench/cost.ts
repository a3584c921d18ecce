import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acceleratedClock } from '../functions/core/clock.js';
import type { Notifier } from '../functions/core/notify/notifier.js';
import { parseCommandText } from '../functions/core/grammar/command-text.js';
import { TokenBayClient } from '../functions/core/tokenbay/client.js';
import { startLocalS3 } from '../local/s3/local-s3.js';
import { TokenBaySimulator } from '../local/simulator/tokenbay-simulator.js';
import { LocalWorkflow } from '../local/workflow/local-workflow.js';
import { localStepHandlers } from '../local/workflow/local-steps.js';
import { stateMachineDefinition, synthesizeTemplate } from '../local/workflow/synthesized-definition.js';

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

const silent: Notifier = {
  progress: async () => undefined,
  finished: async () => undefined,
  failed: async () => undefined,
};

/** Polls and transitions counted from the real definition in the interpreter; dollars computed. */
export async function measureCost(minutes = [1, 2, 5, 10], speed = 100): Promise<CostRow[]> {
  const definition = stateMachineDefinition(
    synthesizeTemplate({ pollIntervalSeconds: POLL_INTERVAL_SECONDS }),
  );
  const rows: CostRow[] = [];
  for (const m of minutes) {
    const clock = acceleratedClock(speed);
    const sim = new TokenBaySimulator({ generationSeconds: m * 60, clock });
    const tokenBay = new TokenBayClient({ baseUrl: await sim.start(), apiKey: 'sk-bench' });
    const directory = await mkdtemp(join(tmpdir(), 'clipbay-cost-'));
    const s3 = await startLocalS3({ directory, bucket: 'clipbay-videos' });
    try {
      const workflow = new LocalWorkflow({
        definition,
        waitMs: (POLL_INTERVAL_SECONDS * 1000) / speed,
        handlers: localStepHandlers({
          tokenBay,
          s3: s3.client,
          notifier: silent,
          bucket: s3.bucket,
          clock,
          generationTimeoutSeconds: 15 * 60, // longer than the default 5 min, to cost a 10-minute render
          editTimeoutSeconds: 20 * 60,
          linkExpirySeconds: 3600,
          shareBaseUrl: 'http://127.0.0.1/',
        }),
      });
      const parsed = parseCommandText('a cost model', { defaultModel: 'veo-3.1-generate-preview' });
      if (parsed.kind !== 'video') throw new Error('unreachable');
      const input = {
        id: `cost-${m}`,
        request: parsed.request,
        replyTo: { platform: 'slack', responseUrl: 'https://hooks.slack.test/1', channelId: 'C1' },
        requestedBy: { id: 'U1', name: 'x' },
        requestedAt: clock.now(),
      };
      const execution = await workflow.start(`cost-${m}`, JSON.stringify(input)).done;
      if (execution.status !== 'SUCCEEDED')
        throw new Error(`cost run for ${m} min ended ${execution.status}`);
      const polls = execution.statesEntered.CheckStatus ?? 0;
      const transitions = Object.values(execution.statesEntered).reduce((a, b) => a + b, 0);
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
      rows.push({
        generationMinutes: m,
        polls,
        transitions,
        lambdaInvocations,
        lambdaGbSeconds,
        dollarsPer1000: perVideo * 1000,
        sleepingLambdaGbSeconds: sleepingGbSeconds,
        sleepingLambdaDollarsPer1000: (sleepingGbSeconds * PRICE.lambdaGbSecond + PRICE.lambdaRequest) * 1000,
      });
    } finally {
      await sim.stop();
      await s3.close();
      await rm(directory, { recursive: true, force: true });
    }
  }
  return rows;
}
