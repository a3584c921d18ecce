import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundle } from '../infra/bundle-report.js';

const run = promisify(execFile);
const PROBE = fileURLToPath(new URL('./ingress-probe.mjs', import.meta.url));
const COLD_RUNS = 5;
const WARM_REQUESTS = 2000;

export interface LatencyRow {
  platform: 'slack' | 'discord';
  /** clipbay's handler; `verify-only` and `verify+start` baselines (bench/baseline-*.ts). */
  handler: 'clipbay' | 'verify-only' | 'verify+start';
  coldMs: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Ack latency of the bundled ingress Lambdas, invoked as Lambda would (API Gateway v2 events,
 * real signatures), against a baseline that only verifies the signature, in the same run.
 * StartExecution goes to a stand-in Step Functions endpoint that answers at once (AWS itself is
 * what cannot run here).
 */
export async function measureIngress(): Promise<LatencyRow[]> {
  let started = 0;
  const sfn = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      started++;
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          executionArn: `arn:aws:states:us-east-1:0:execution:Clipbay:${started}`,
          startDate: Date.now() / 1000,
        }),
      );
    });
  });
  await new Promise<void>((r) => sfn.listen(0, '127.0.0.1', r));
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL_SFN: `http://127.0.0.1:${(sfn.address() as AddressInfo).port}`,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:Clipbay',
    SLACK_SIGNING_SECRET: 'bench-signing-secret',
    DISCORD_PUBLIC_KEY: publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex'),
    DISCORD_APPLICATION_ID: '100000000000000001',
    BENCH_DISCORD_PRIVATE_KEY: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };

  const [slack, discord, verifyOnly, floor] = await Promise.all([
    bundle('functions/slack-events.ts', 'slack-events'),
    bundle('functions/discord-interactions.ts', 'discord-interactions'),
    bundle('bench/baseline-verify.ts', 'baseline-verify'),
    bundle('bench/baseline-floor.ts', 'baseline-floor'),
  ]);
  const subjects = [
    { platform: 'slack', handler: 'clipbay', file: slack.file, exportName: 'handler' },
    { platform: 'slack', handler: 'verify-only', file: verifyOnly.file, exportName: 'slackBaseline' },
    { platform: 'slack', handler: 'verify+start', file: floor.file, exportName: 'slackFloor' },
    { platform: 'discord', handler: 'clipbay', file: discord.file, exportName: 'handler' },
    { platform: 'discord', handler: 'verify-only', file: verifyOnly.file, exportName: 'discordBaseline' },
    { platform: 'discord', handler: 'verify+start', file: floor.file, exportName: 'discordFloor' },
  ] as const;

  const RESULT_MARK = 'probe-result ';
  const probe = async (file: string, exportName: string, platform: string, count: number) => {
    const { stdout } = await run(process.execPath, [PROBE, file, exportName, platform, String(count)], {
      env,
      maxBuffer: 1 << 20,
    });
    // The handler writes its own lines (EMF metrics, as Lambda sends stdout to CloudWatch); the
    // probe's result is the line it marks.
    const result = stdout.split('\n').find((line) => line.startsWith(RESULT_MARK));
    if (!result) throw new Error(`the probe wrote no result:\n${stdout.slice(-2000)}`);
    return JSON.parse(result.slice(RESULT_MARK.length)) as { cold: number; p50: number; p99: number };
  };

  const rows: LatencyRow[] = [];
  try {
    for (const subject of subjects) {
      const warm = await probe(subject.file, subject.exportName, subject.platform, WARM_REQUESTS);
      const colds = [warm.cold];
      for (let i = 1; i < COLD_RUNS; i++)
        colds.push((await probe(subject.file, subject.exportName, subject.platform, 0)).cold);
      colds.sort((a, b) => a - b);
      rows.push({
        platform: subject.platform,
        handler: subject.handler,
        coldMs: colds[Math.floor(colds.length / 2)]!,
        p50Ms: warm.p50,
        p99Ms: warm.p99,
      });
    }
  } finally {
    sfn.close();
  }
  // clipbay's handler and the verify+start floor call StartExecution for every request.
  const expected = 4 * (WARM_REQUESTS + 1 + COLD_RUNS - 1);
  if (started !== expected) throw new Error(`expected ${expected} StartExecution calls, saw ${started}`);
  return rows;
}
