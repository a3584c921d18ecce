import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadLocalConfig } from '../../local/stack/local-config.js';
import { banner } from '../../local/stack/banner.js';
import { startLocalStack, type LocalStack } from '../../local/stack/local-stack.js';
import { FAST_WAIT_MS } from '../helpers/local-stack-harness.js';

/** A URL on a port nothing listens on (connection refused). */
async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/api/`;
}

async function until(what: string, probe: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20)); // polling the log, not pacing the code under test
  }
}

describe('npm start with SLACK_APP_TOKEN set and Slack unreachable', () => {
  let stack: LocalStack | undefined;
  let dataDir: string;
  afterAll(async () => {
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is healthy in the usual time; /healthz reports Socket Mode connecting; one log line per attempt', async () => {
    const slackApiUrl = await closedPortUrl();
    const config = loadLocalConfig({ PORT: '0', SLACK_APP_TOKEN: 'xapp-1-test', SLACK_API_URL: slackApiUrl });
    dataDir = await mkdtemp(join(tmpdir(), 'clipbay-socket-'));
    const lines: string[] = [];
    // The Socket Mode client and its WebClient log every failed call: none of it may reach the console.
    const consoleCalls = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => undefined),
    );

    const started = performance.now();
    stack = await startLocalStack({
      config,
      dataDir,
      waitMs: FAST_WAIT_MS,
      retryIntervalMs: FAST_WAIT_MS,
      log: (line) => lines.push(line),
    });
    const health = await fetch(`${stack.url}/healthz`);
    const elapsedMs = performance.now() - started;
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, socketMode: 'connecting' });
    // A fresh synth (sources changed) is the only slow part of a start; Slack adds nothing.
    const synthMs = stack.assembly.synthesized ? stack.assembly.seconds * 1000 : 0;
    expect(elapsedMs - synthMs).toBeLessThan(10_000);
    expect(banner(stack, config, dataDir)).toContain(
      'Socket Mode: connecting… (the log says when it is connected)',
    );

    // Refused at once, then 1 s later, then 2 s later: a line per attempt, naming the URL and why.
    const failures = () => lines.filter((l) => l.startsWith('Slack Socket Mode:'));
    await until('two failed attempts', () => failures().length >= 2);
    expect(failures().slice(0, 2)).toEqual([
      `Slack Socket Mode: cannot reach Slack at ${slackApiUrl} (ECONNREFUSED); retrying in 1 s`,
      `Slack Socket Mode: cannot reach Slack at ${slackApiUrl} (ECONNREFUSED); retrying in 2 s`,
    ]);
    expect(stack.socketMode).toBe('connecting');

    // The rest of the stack is unaffected.
    const again = await fetch(`${stack.url}/healthz`);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ ok: true, socketMode: 'connecting' });

    await stack.close();
    expect(stack.socketMode).toBe('off');
    const slackChatter = consoleCalls
      .flatMap((spy) => spy.mock.calls)
      .filter((args) => /slack|socket|apps\.connections/i.test(args.join(' ')));
    expect(slackChatter).toEqual([]);
    for (const spy of consoleCalls) spy.mockRestore();
    stack = undefined;
  }, 120_000);
});
