import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { loadLocalConfig } from '../local/stack/local-config.js';
import { FakeChatServer } from '../local/simulator/fake-chat-api.js';
import { discordInteraction, videoCommandData } from '../local/stack/discord-interaction.js';
import { startLocalStack } from '../local/stack/local-stack.js';
import { discordHeaders, slackHeaders } from '../local/stack/request-signing.js';
import { slackCommandBody } from '../local/stack/slack-command.js';

export interface BurstResult {
  commands: number;
  submitsPerSecond: number;
  /** HTTP 200 answers to the commands (anything else: a refused ack). */
  acked: number;
  ackP50Ms: number;
  ackP99Ms: number;
  ackMaxMs: number;
  videos: number;
  acceptedSubmits: number;
  /** 429s the simulator answered: the faults injected. */
  throttledSubmits: number;
  duplicateTasks: number;
  failureMessages: number;
  /** From the first command to the last execution's end. */
  settledSeconds: number;
  /** The least time the accepted submits can take at the admitted rate. */
  floorSeconds: number;
  environments: number;
  environmentsPerFunction: number;
  forkMs: number;
  maxQueuedMs: number;
  loopDelayP99Ms: number;
}

/**
 * Issue 15's burst in the deployed shape, as test/reliability/deployed-faults.test.ts runs it: N
 * signed commands at once (half Slack, half Discord) into the emulated account, against a TokenBay
 * that admits `submitsPerSecond` and answers 429 with Retry-After beyond it; Wait states of 1 s.
 */
export async function measureBurst(commands = 200, submitsPerSecond = 5): Promise<BurstResult> {
  const chat = new FakeChatServer();
  const chatUrl = await chat.start();
  const dataDir = await mkdtemp(join(tmpdir(), 'clipbay-burst-'));
  const stack = await startLocalStack({
    // The documented default Lambda quota: the bench measures clipbay, not a new account's limit.
    accountConcurrency: 1000,
    config: loadLocalConfig({
      PORT: '0',
      POLL_INTERVAL_SECONDS: '5',
      SLACK_API_URL: `${chatUrl}/slack/api/`,
      DISCORD_API_BASE: `${chatUrl}/discord/api`,
      DISCORD_BOT_TOKEN: 'bot-token',
    }),
    dataDir,
    waitMs: 1000,
    retryIntervalMs: 200,
    simulator: { generationSeconds: 1, submitsPerSecond },
  });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  try {
    loop.enable();
    const started = performance.now();
    const acks = await Promise.all(
      Array.from({ length: commands }, async (_, i) => {
        const sent = performance.now();
        let response: Response;
        if (i % 2 === 0) {
          const trigger = `burst.${i}.x`;
          const body = slackCommandBody({
            text: `burst ${i}`,
            triggerId: trigger,
            responseUrl: `${chatUrl}/hooks/${trigger}`,
          });
          response = await fetch(`${stack.url}/slack/events`, {
            method: 'POST',
            headers: slackHeaders(stack.slackSigningSecret, body),
            body,
          });
        } else {
          const body = JSON.stringify(
            discordInteraction({
              id: `8${String(i).padStart(17, '0')}`,
              applicationId: stack.discordApplicationId,
              data: videoCommandData([{ name: 'prompt', type: 3, value: `burst ${i}` }]),
            }),
          );
          response = await fetch(`${stack.url}/discord/interactions`, {
            method: 'POST',
            headers: discordHeaders(stack.keys.discordPrivateKey, body),
            body,
          });
        }
        await response.arrayBuffer();
        return { status: response.status, ms: performance.now() - sent };
      }),
    );
    await stack.workflow.settle();
    const settledSeconds = (performance.now() - started) / 1000;
    loop.disable();
    const sim = stack.simulator!;
    const ms = acks.map((a) => a.ms).sort((a, b) => a - b);
    const at = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!;
    const functions = [...stack.account.functions.values()];
    const tasks = sim.taskIds().length;
    return {
      commands,
      submitsPerSecond,
      acked: acks.filter((a) => a.status === 200).length,
      ackP50Ms: at(0.5),
      ackP99Ms: at(0.99),
      ackMaxMs: ms.at(-1)!,
      videos: stack.workflow.list().filter((e) => e.status === 'SUCCEEDED').length,
      acceptedSubmits: sim.submits().length - sim.throttledSubmits,
      throttledSubmits: sim.throttledSubmits,
      duplicateTasks: Math.max(0, tasks - commands),
      failureMessages: chat.requests.filter((r) =>
        /could not be made|went wrong/.test(JSON.stringify(r.body)),
      ).length,
      settledSeconds,
      floorSeconds: (commands - 1) / submitsPerSecond,
      environments: functions.reduce((n, f) => n + f.stats.coldStarts, 0),
      environmentsPerFunction: Math.max(...functions.map((f) => f.pids().length)),
      forkMs: functions.reduce((n, f) => n + f.stats.forkMs, 0),
      maxQueuedMs: Math.max(...functions.map((f) => f.stats.maxQueuedMs)),
      loopDelayP99Ms: loop.percentile(99) / 1e6,
    };
  } finally {
    await stack.close();
    await chat.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The burst's figures as a Markdown table: counts, then ratios to what the rate allows. */
export function burstTable(r: BurstResult): string {
  const ms = (n: number) => `${Math.round(n)} ms`;
  const rows: [string, string][] = [
    ['commands at once (half Slack, half Discord)', String(r.commands)],
    ['acknowledged (HTTP 200)', `${r.acked} of ${r.commands}`],
    ['ack p50 / p99 / max', `${ms(r.ackP50Ms)} / ${ms(r.ackP99Ms)} / ${ms(r.ackMaxMs)}`],
    ['videos made', String(r.videos)],
    ['accepted submits', String(r.acceptedSubmits)],
    [`429s injected (TokenBay admits ${r.submitsPerSecond}/s)`, String(r.throttledSubmits)],
    ['429s per command', (r.throttledSubmits / r.commands).toFixed(1)],
    ['duplicate tasks', String(r.duplicateTasks)],
    ['failure messages', String(r.failureMessages)],
    [
      'all settled / least time at the admitted rate',
      `${r.settledSeconds.toFixed(1)} s / ${r.floorSeconds.toFixed(1)} s = ${(r.settledSeconds / r.floorSeconds).toFixed(2)}`,
    ],
    ['environments started (most per function)', `${r.environments} (${r.environmentsPerFunction})`],
    ['event loop held by forks / longest wait for an environment', `${ms(r.forkMs)} / ${ms(r.maxQueuedMs)}`],
    ['account event-loop delay p99', ms(r.loopDelayP99Ms)],
  ];
  return ['| figure | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}
