import type { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acceleratedClock, type Clock } from '../../functions/core/clock.js';
import { parseCommandText } from '../../functions/core/grammar/command-text.js';
import { TokenBayClient } from '../../functions/core/tokenbay/client.js';
import type { WorkflowInput } from '../../functions/core/chat/accepted-command.js';
import { startLocalS3, type LocalS3 } from '../../local/s3/local-s3.js';
import { TokenBaySimulator, type SimulatorOptions } from '../../local/simulator/tokenbay-simulator.js';
import { LocalWorkflow, type LocalExecution } from '../../local/workflow/local-workflow.js';
import { localStepHandlers } from './in-process-steps.js';
import { stateMachineDefinition, synthesizeTemplate } from './synthesized-definition.js';
import { RecordingNotifier } from './recording-notifier.js';
import { startS3Front } from '../../local/s3/s3-front.js';

export const POLL_INTERVAL_SECONDS = 5;
/** Virtual time runs this much faster than real time: a 5 s Wait takes 25 ms. */
export const SPEED = 200;

export interface Harness {
  sim: TokenBaySimulator;
  s3: LocalS3;
  s3Client: S3Client;
  notifier: RecordingNotifier;
  workflow: LocalWorkflow;
  clock: Clock;
  run(command: string, id?: string): Promise<LocalExecution>;
  close(): Promise<void>;
}

let definition: Record<string, unknown> | undefined;

/** The real synthesized definition (one synth per test file), in the local interpreter. */
export function workflowDefinition(): Record<string, unknown> {
  return (definition ??= stateMachineDefinition(
    synthesizeTemplate({ settings: { POLL_INTERVAL_SECONDS: String(POLL_INTERVAL_SECONDS) } }),
  ));
}

let counter = 0;

export async function startHarness(
  options: { sim?: SimulatorOptions; s3Client?: S3Client; partSizeBytes?: number } = {},
): Promise<Harness> {
  const clock = acceleratedClock(SPEED);
  const sim = new TokenBaySimulator({ generationSeconds: 30, clock, ...options.sim });
  const tokenBay = new TokenBayClient({
    baseUrl: await sim.start(),
    apiKey: 'sk-test-workflow',
    timeoutMs: 5000,
  });
  const directory = await mkdtemp(join(tmpdir(), 'clipbay-s3-'));
  const s3 = await startLocalS3({ directory, bucket: 'clipbay-videos' });
  const front = await startS3Front(s3);
  const s3Client = options.s3Client ?? front.client;
  const notifier = new RecordingNotifier();
  const workflow = new LocalWorkflow({
    definition: workflowDefinition(),
    waitMs: (POLL_INTERVAL_SECONDS * 1000) / SPEED,
    retryIntervalMs: (POLL_INTERVAL_SECONDS * 1000) / SPEED,
    handlers: localStepHandlers({
      tokenBay,
      s3: s3Client,
      notifier,
      bucket: s3.bucket,
      clock,
      generationTimeoutSeconds: 300,
      editTimeoutSeconds: 600,
      linkExpirySeconds: 604_800,
      shareBaseUrl: 'http://127.0.0.1:3000/',
      partSizeBytes: options.partSizeBytes,
    }),
  });

  return {
    sim,
    s3,
    s3Client,
    notifier,
    workflow,
    clock,
    async run(command, id = `exec-${++counter}`) {
      const parsed = parseCommandText(command, { defaultModel: 'veo-3.1-generate-preview' });
      if (parsed.kind !== 'video') throw new Error('not a video command');
      const input: WorkflowInput = {
        id,
        request: parsed.request,
        replyTo: {
          platform: 'slack',
          responseUrl: 'https://hooks.slack.test/commands/1',
          channelId: `C-${id}`,
        },
        requestedBy: { id: 'U123', name: 'ana' },
        requestedAt: clock.now(),
      };
      return workflow.start(id, JSON.stringify(input)).done;
    },
    async close() {
      workflow.stopAll();
      await sim.stop();
      await front.close();
      await s3.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
