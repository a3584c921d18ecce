/**
 * `npm run bench`: every benchmark of issue 9 in one run, printed and written to bench/results.md
 * with the machine it ran on. Figures that matter are ratios to a baseline measured in the same
 * run (this machine is noisy). Not part of `npm test`; goals are reported, never enforced.
 */
import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { bundle, LAMBDAS } from '../infra/bundle-report.js';
import { measureCost, POLL_INTERVAL_SECONDS, PRICE, STEP_COST } from './cost.js';
import {
  INGRESS_VARIANTS,
  measureAccountIngress,
  type AccountIngressRow,
  type IngressVariant,
} from './account-ingress.js';
import { burstTable, measureBurst } from './burst.js';
import { measureIngress } from './ingress-latency.js';
import { measureLoad } from './load.js';
import { measureTransfer } from './transfer.js';
import { measureUpload, uploadTable } from './upload.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);
const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;
const mark = (ok: boolean) => (ok ? 'met' : '**not met**');
const table = (head: string[], rows: (string | number)[][]) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

const started = Date.now();
const sections: string[] = [];
const say = (text: string) => {
  console.log(text);
  sections.push(text);
};

say('## 1. Bundle sizes (esbuild, minified, CJS, AWS SDK external — as deployed)\n');
const bundles = [];
for (const file of LAMBDAS) bundles.push(await bundle(`functions/${file}`, file.replace('.ts', '')));
say(
  table(
    ['Lambda', 'size', 'goal', 'top 5 contributors'],
    bundles.map((b) => {
      const ingress = b.name === 'slack-events' || b.name === 'discord-interactions';
      const goal = b.name === 'slack-events' ? 'floor with Bolt ≈ 1.6 MB' : '< 1 MB';
      const ok = b.name === 'slack-events' ? b.bytes < 1.7 * 2 ** 20 : b.bytes < 2 ** 20;
      return [
        `${b.name}${ingress ? ' (ingress)' : ''}`,
        kb(b.bytes),
        `${goal}: ${mark(ok)}`,
        b.top.map((t) => `${t.module} ${kb(t.bytes)}`).join(', '),
      ];
    }),
  ) + '\n',
);

say(
  "## 2. Ingress ack latency through the emulated account (the headline)\n\nSigned HTTP requests into `npm start`'s stack: the template's HTTP API route as payload 2.0 events, the ingress bundle in its own process under its own role, StartExecution through the account's signed, IAM-checked endpoint. Cold: the function's containers are stopped first, so the bundle starts in a fresh process (median of 5).\n",
);
const account: AccountIngressRow[] = [];
for (const variant of Object.keys(INGRESS_VARIANTS) as IngressVariant[])
  account.push(...(await measureAccountIngress(variant)));
const noLedger = (platform: string) =>
  account.find((r) => r.platform === platform && r.variant === 'no ledger')!;
say(
  "The usage ledger is in the ack: the run's row, one conditional write on the user's day (the video counted, a slot held) and, with a quota cap, a read, sent together in one round trip. Goals with it: cold < 600 ms, warm p99 < 30 ms. Ratios are against the same run without the ledger.\n",
);
say(
  table(
    [
      'platform',
      'ledger',
      'cold (fresh process + 1st request), goal < 600 ms',
      'warm p50',
      'warm p99 (1,000 requests), goal < 30 ms',
      'p50 ÷ no ledger',
    ],
    account.map((r) => [
      r.platform,
      r.variant,
      `${f1(r.coldMs)} ms: ${r.variant === 'no ledger' ? '' : mark(r.coldMs < 600)}`,
      `${f2(r.p50Ms)} ms`,
      `${f2(r.p99Ms)} ms: ${r.variant === 'no ledger' ? '' : mark(r.p99Ms < 30)}`,
      `${f2(r.p50Ms / noLedger(r.platform).p50Ms)}×`,
    ]),
  ) + '\n',
);

say('## 2b. The same bundles in-process against baselines (API Gateway v2 events, real signatures)\n');
const ingress = await measureIngress();
const base = (platform: string, handler: string) =>
  ingress.find((r) => r.platform === platform && r.handler === handler)!;
say(
  table(
    ['platform', 'handler', 'cold (import + 1st request)', 'warm p50', 'warm p99 (2,000 requests)'],
    ingress.map((r) => [
      r.platform,
      r.handler,
      `${f1(r.coldMs)} ms`,
      `${f2(r.p50Ms)} ms`,
      `${f2(r.p99Ms)} ms`,
    ]),
  ),
);
const ratioRows = (['slack', 'discord'] as const).map((p) => {
  const real = base(p, 'clipbay');
  const floor = base(p, 'verify+start');
  const verify = base(p, 'verify-only');
  return [
    p,
    `${f1(real.coldMs)} ms: ${mark(real.coldMs < 500)}`,
    `${f2(real.p99Ms)} ms: ${mark(real.p99Ms < 20)}`,
    `${f2(real.p99Ms / floor.p99Ms)}× p99, ${f2(real.p50Ms / floor.p50Ms)}× p50: ${mark(real.p99Ms / floor.p99Ms < 2)}`,
    `${f1(real.p99Ms / verify.p99Ms)}× p99: ${mark(real.p99Ms / verify.p99Ms < 2)}`,
    `${f1(real.coldMs / floor.coldMs)}×`,
  ];
});
say(
  '\n' +
    table(
      [
        'platform',
        'cold < 500 ms',
        'warm p99 < 20 ms',
        'ratio to verify+StartExecution (< 2)',
        'ratio to verify-only (< 2)',
        'cold ratio to verify+start',
      ],
      ratioRows,
    ) +
    '\n\nThe verify-only baseline makes no network call; every correct ingress must also call StartExecution (here a local stand-in that answers at once), so the verify+StartExecution baseline is the floor that shows what clipbay adds.\n',
);

say('## 3. Transfer (the real SaveToS3 step: simulator → s3rver, multipart, 8 MiB parts, 2 in flight)\n');
const transfer = await measureTransfer([100 * 2 ** 20, 2 ** 30]);
say(
  table(
    [
      'size',
      'transfer',
      'plain fetch to nowhere',
      'upload-only to the same S3',
      'transfer / fetch (goal ≥ 0.7)',
      'transfer / upload-only',
      'peak RSS growth (goal < 150 MB)',
    ],
    transfer.map((t) => [
      t.sizeBytes >= 2 ** 30 ? '1 GiB' : '100 MiB',
      `${f1(t.transferMBps)} MB/s`,
      `${f1(t.fetchMBps)} MB/s`,
      `${f1(t.uploadMBps)} MB/s`,
      `${f2(t.ratio)}: ${mark(t.ratio >= 0.7)}`,
      f2(t.ratioToUpload),
      `${f1(t.rssGrowthMB)} MB: ${mark(t.rssGrowthMB < 150)}`,
    ]),
  ) +
    `\n\nMemory is flat in file size (${f1(transfer[0]!.rssGrowthMB)} MB for 100 MiB, ${f1(transfer[1]!.rssGrowthMB)} MB for 1 GiB). Throughput is bound by the local S3 server: uploading bytes made in memory into the same s3rver is no faster than the whole transfer, so the fetch ratio measures s3rver here, not clipbay's pipeline.\n`,
);

say(
  "## 3b. Upload to chat (PostLink: the clip streamed from S3 to Slack's upload URL, as it plays in the channel)\n",
);
const uploads = await measureUpload([100 * 2 ** 20, 2 ** 30]);
say(uploadTable(uploads));

say('## 4. Load (commands at once through the local stack, real time)\n');
const load = await measureLoad();
say(
  table(
    [
      'commands',
      'links received',
      'lost',
      'submits',
      'duplicate submits',
      'smallest poll gap',
      'last link / generation time (goal < 1.5)',
      'ack p50 / p99 under the burst',
    ],
    [
      [
        `${load.commands} (half Slack, half Discord)`,
        load.linksReceived,
        load.lost,
        load.submits,
        load.duplicateSubmits,
        `${f2(load.minPollGapSeconds)} s (interval ${load.pollIntervalSeconds} s)`,
        `${f1(load.lastLinkSeconds)} s / ${load.generationSeconds} s = ${f2(load.ratio)}: ${mark(load.ratio < 1.5)}`,
        `${Math.round(load.ackP50Ms)} / ${Math.round(load.ackP99Ms)} ms`,
      ],
    ],
  ) + '\n',
);

say(
  '## 4b. Burst against a rate-limited TokenBay (issue 15, the deployed shape as in deployed-faults.test.ts)\n',
);
say(burstTable(await measureBurst()) + '\n');

say(`## 5. Cost per 1,000 videos (${POLL_INTERVAL_SECONDS} s poll interval)\n`);
const cost = await measureCost();
say(
  table(
    [
      'generation',
      'polls',
      'state transitions',
      'Lambda invocations',
      'Lambda GB-s',
      'Step Functions design, $ / 1,000',
      'one sleeping Lambda, $ / 1,000',
    ],
    cost.map((c) => [
      `${c.generationMinutes} min`,
      c.polls,
      c.transitions,
      c.lambdaInvocations,
      f2(c.lambdaGbSeconds),
      `$${f2(c.dollarsPer1000)}`,
      `$${f2(c.sleepingLambdaDollarsPer1000)} (${f1(c.sleepingLambdaGbSeconds)} GB-s)`,
    ]),
  ) +
    `\n\nPolls and transitions are counted by running the synthesized state machine in the local interpreter against the simulator. Prices: $${PRICE.stateTransition * 1000} per 1,000 transitions, $${PRICE.lambdaGbSecond} per GB-s (arm64), $${PRICE.lambdaRequest * 1e6} per million requests. Lambda durations per step are assumptions (${Object.entries(
      STEP_COST,
    )
      .map(([k, v]) => `${k} ${v.seconds} s at ${v.gb * 1024} MB`)
      .join(
        ', ',
      )}). A sleeping Lambda also hits the 15-minute Lambda limit on long edits, and pays for waiting.\n`,
);

const header = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\` on ${new Date(started).toISOString().slice(0, 10)} in ${Math.round((Date.now() - started) / 1000)} s.`,
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}/${process.arch}.`,
  'Absolute times vary between runs here; compare the ratios, which are measured against baselines in the same run.',
  '',
].join('\n');
await writeFile(new URL('./results.md', import.meta.url), `${header}\n${sections.join('\n')}`);
console.log('\nwrote bench/results.md');
