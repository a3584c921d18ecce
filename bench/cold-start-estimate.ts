/**
 * An estimate on paper of each ingress's cold ack in AWS (512 MB arm64, Node 24), against Slack's
 * 3 seconds: cited figures for what this machine cannot show (Lambda's runtime start, its CPU share,
 * the first SDK request), this run's measurements for what the bundle decides (its load time).
 * Written into bench/results.md by bench/run.ts; ranges are low–high, in ms.
 */

export const SOURCES = {
  memory:
    'https://docs.aws.amazon.com/lambda/latest/dg/resource-model.html — "Lambda allocates CPU power in proportion to the amount of memory configured… At 1,769 MB, a function has the equivalent of one vCPU"',
  lifecycle:
    "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html — the Init phase starts the extensions, bootstraps the runtime and runs the function's static code (limited to 10 s); the handler runs in the Invoke phase after it",
  node22:
    'https://speedrun.nobackspacecrew.com/blog/2025/07/21/the-fastest-node-22-lambda-coldstart-configuration.html — Node 22, bundled SDK v3: Init Duration about 375 ms, about 250 ms of it loading the code with 3 AWS clients and about 125 ms the first HTTPS request to DynamoDB; work done in INIT gets at least 2 vCPUs whatever the memory',
  sizes:
    'https://gist.github.com/adriantanasa/06a9cbc36744ef0bf946255e9e75efbe — nodejs20.x, 256 MB x86_64, 100 cold starts per package size: average Init Duration 242 ms (minimum 106 ms) for the smallest package, 288–297 ms up to the "1024" size',
  bundled:
    "https://github.com/aws/aws-sdk-js-v3/issues/5516 — an SDK v3 client's cold start 675 ms unbundled, 241 ms bundled and minified; https://aws.amazon.com/blogs/developer/reduce-lambda-cold-start-times-migrate-to-aws-sdk-for-javascript-v3/ — AWS recommends bundling for cold starts",
  slack:
    'https://docs.slack.dev/tools/bolt-python/concepts/acknowledge — commands must be acknowledged: "you only have 3 seconds to respond before Slack registers a timeout error"',
} as const;

export interface IngressFacts {
  name: 'slack-events' | 'discord-interactions';
  bytes: number;
  /** `require` of the bundle in a fresh process here (bench/bundle-notes.ts). */
  loadMs: number;
  /** The cold ack through the emulated account in this run (ledger, no limits). */
  accountColdMs: number;
}

type Range = [number, number];

/** 512 MB of the 1,769 MB that make one vCPU. */
const CPU_SHARE = 512 / 1769;

/** The phases of a cold ack in AWS, in the order they happen; each with its basis. */
function phases(facts: IngressFacts): { phase: string; basis: string; ms: Range }[] {
  const throttle = 1 / CPU_SHARE;
  return [
    {
      phase: 'Init: microVM and Node runtime start',
      basis: "a tiny package's Init Duration, 106–242 ms (sizes); Lambda's to pay, not the bundle's",
      ms: [110, 250],
    },
    {
      phase: `Init: loading the bundle (${Math.round(facts.bytes / 1024)} KB)`,
      basis: `measured here: ${facts.loadMs.toFixed(0)} ms on one x64 core; INIT runs with at least 2 vCPUs (node22), taken as 1–2× slower per core on Graviton with a cold disk`,
      ms: [facts.loadMs, facts.loadMs * 2],
    },
    {
      phase: 'Invoke: the secret read (the first SDK request: credentials, endpoint, TLS)',
      basis: `about 125 ms in INIT (node22); the handler makes it in Invoke at 512 MB, ${CPU_SHARE.toFixed(2)} of a vCPU (memory), so its CPU part takes up to ${throttle.toFixed(1)}× longer`,
      ms: [125, 450],
    },
    {
      phase: 'Invoke: the ledger writes (two DynamoDB requests at once, a new TLS connection)',
      basis: 'assumed: a TLS handshake and a single-digit-ms write in the region, CPU-throttled as above',
      ms: [30, 120],
    },
    {
      phase: 'Invoke: StartExecution (a new TLS connection to Step Functions)',
      basis: 'assumed as for DynamoDB',
      ms: [30, 120],
    },
    {
      phase:
        facts.name === 'slack-events'
          ? "Invoke: the checks, Bolt's App and receiver made, verify, parse, answer"
          : 'Invoke: the Ed25519 verification, parse, answer',
      basis: `assumed: ${facts.name === 'slack-events' ? '3–15' : '2–8'} ms of CPU on a full core for a first request (a warm one costs the function 2–3 ms here, section 2), ×${throttle.toFixed(1)}`,
      ms: (facts.name === 'slack-events' ? [3, 15] : [2, 8]).map((ms) => ms * throttle) as Range,
    },
    {
      phase: 'HTTP API and the network between Slack/Discord and the region',
      basis: 'assumed',
      ms: [20, 100],
    },
  ];
}

const sum = (ranges: Range[]): Range => ranges.reduce<Range>((t, [a, b]) => [t[0] + a, t[1] + b], [0, 0]);
const fmt = ([a, b]: Range) => `${Math.round(a)}–${Math.round(b)} ms`;

/** The estimate as markdown: one table per ingress, then the totals against Slack's 3 s. */
export function coldStartEstimate(ingress: IngressFacts[]): string {
  const parts: string[] = [];
  const totals: string[] = [];
  for (const facts of ingress) {
    const rows = phases(facts);
    const total = sum(rows.map((r) => r.ms));
    parts.push(
      `**${facts.name}** (through the emulated account, on a full core and loopback, this run's cold ack was ${facts.accountColdMs.toFixed(0)} ms)\n\n| phase | estimate | basis |\n|---|---|---|\n` +
        rows.map((r) => `| ${r.phase} | ${fmt(r.ms)} | ${r.basis} |`).join('\n') +
        `\n| **total** | **${fmt(total)}** | ${((3000 - total[1]) / 1000).toFixed(1)} s or more left of Slack's 3 s |\n`,
    );
    totals.push(`${facts.name} ${fmt(total)}`);
  }
  return [
    ...parts,
    `Totals: ${totals.join('; ')}, each well inside the 3 s Slack gives a command (slack). The ranges are wide because what decides them most — Lambda's runtime start and the first SDK request at a fraction of a vCPU — cannot be measured here; the bundle's own part (its load) is measured, and is the smaller part. A cold start at the high end would still leave more than half of the 3 s.`,
    '',
    'Sources:',
    '',
    ...Object.entries(SOURCES).map(([key, text]) => `- (${key}) ${text}`),
    '',
  ].join('\n');
}
