import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

/** What a probe prints: how long its work took, the bytes it moved, and its peak RSS growth. */
export interface ProbeResult {
  ms: number;
  bytes: number;
  rssGrowthBytes: number;
}

const run = promisify(execFile);

/**
 * Runs a probe script in a child process of its own (so its memory is the measured work's alone)
 * and checks that it moved `expectedBytes`.
 */
export async function runProbe(script: string, args: string[], expectedBytes: number): Promise<ProbeResult> {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', script, ...args], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxBuffer: 1 << 20,
  });
  const result = JSON.parse(stdout) as ProbeResult;
  if (result.bytes !== expectedBytes)
    throw new Error(`${args[0]} moved ${result.bytes} of ${expectedBytes} bytes`);
  return result;
}

/** Inside a probe: times `work`, samples RSS every 10 ms from a collected start, prints the result. */
export async function probe(work: () => Promise<number>): Promise<void> {
  globalThis.gc?.();
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
  const start = performance.now();
  const bytes = await work();
  const ms = performance.now() - start;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const result: ProbeResult = { ms, bytes, rssGrowthBytes: peakRss - baseRss };
  process.stdout.write(JSON.stringify(result));
}
