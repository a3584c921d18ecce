/**
 * Turns Stryker's JSON reports (reports/mutation/mutation*.json, one per part) into
 * docs/MUTATION.md: the score per module, the run time, and every surviving mutant with either the
 * reason it is equivalent (EQUIVALENT below) or "not killed yet".
 *
 *   npm run mutation                      # runs Stryker (scripts/mutation-run.ts), then this
 *   tsx scripts/mutation-report.ts        # only this, from the reports already there
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MutationRunTime } from './mutation-run.js';

interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status:
    | 'Killed'
    | 'Survived'
    | 'NoCoverage'
    | 'Timeout'
    | 'CompileError'
    | 'RuntimeError'
    | 'Ignored'
    | 'Pending';
  statusReason?: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
  killedBy?: string[];
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
  testFiles?: Record<string, { tests: { id: string; name: string }[] }>;
}

/**
 * Survivors that no test can kill because the mutated program behaves the same: every mutant of
 * `mutator` on line `at` (`file:line`) whose replacement contains `replacement` (when given).
 */
const EQUIVALENT: { at: string; mutator: string; replacement?: string; why: string }[] = [
  {
    at: 'bots/discord/discord-request-check.ts:26',
    mutator: 'Regex',
    replacement: '/[0-9a-f]{128}$/i',
    why: 'Equivalent: with junk before the 128 hex digits, Buffer.from(…, "hex") decodes nothing and verify() refuses (tested: "refuses a valid signature with anything after or before it").',
  },
  {
    at: 'bots/slack/slack-request-check.ts:20',
    mutator: 'StringLiteral',
    why: 'Equivalent: a missing body, as "" or as other text, parses the same way (no payload; JSON fails either way).',
  },
  {
    at: 'bots/slack/slack-request-check.ts:30',
    mutator: 'StringLiteral',
    why: 'Equivalent: without a content type, "" and other text both fail startsWith("application/json"), so the body is form-parsed either way.',
  },
  {
    at: 'functions/core/storage/video-object.ts:19',
    mutator: 'Regex',
    why: 'Equivalent: the slug has already collapsed every run of other characters into one "-", so -+ and - match the same.',
  },
  {
    at: 'functions/core/storage/video-object.ts:21',
    mutator: 'Regex',
    why: 'Equivalent: after the collapse and the 60-character cut there is at most one trailing "-".',
  },
  {
    at: 'functions/core/storage/clip-source.ts:22',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    why: 'Not reachable: a GetObject that succeeds always carries a Body (the SDK makes it from the response stream); the check only names the case.',
  },
  {
    at: 'functions/core/storage/clip-source.ts:22',
    mutator: 'StringLiteral',
    why: 'Not reachable: the message of the no-Body case above.',
  },
  {
    at: 'functions/core/storage/clip-source.ts:46',
    mutator: 'ObjectLiteral',
    why: 'Not observable from outside the stream: the default high-water mark reads one chunk ahead of the upload instead of none; memory stays bounded either way (npm run bench, section 3b, measures it).',
  },
  {
    at: 'functions/core/transfer/resuming-download.ts:75',
    mutator: 'StringLiteral',
    why: 'Equivalent: an error without a name is not resumable whether it is looked up as "" or as other text.',
  },
  {
    at: 'functions/core/tokenbay/client.ts:200',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    why: 'Equivalent: JSON.stringify(undefined) is undefined, so a GET goes without a body either way (tested: "reads a failed task …": body "").',
  },
  {
    at: 'functions/core/tokenbay/client.ts:251',
    mutator: 'StringLiteral',
    why: 'Equivalent: an error body that cannot be read is only parsed as JSON; "" and other text both fail JSON.parse, so no message of TokenBay’s is kept either way.',
  },
  {
    at: 'functions/core/tokenbay/client.ts:255',
    mutator: 'BlockStatement',
    why: 'Equivalent: apiError is declared without a value, so it is undefined whether or not the catch assigns it.',
  },
  {
    at: 'functions/core/tokenbay/client.ts:315',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    why: 'Equivalent: { code: undefined, cause } and { cause } give the same error (TokenBayError copies code, undefined either way).',
  },
  {
    at: 'functions/core/tokenbay/task.ts:84',
    mutator: 'StringLiteral',
    why: 'Equivalent: with no status, "" and other text are both unknown statuses (UNKNOWN, still running); rawStatus is read separately.',
  },
  {
    at: 'functions/core/grammar/tokenize.ts:26',
    mutator: 'EqualityOperator',
    why: 'Equivalent: at i = length the inner loop reads nothing and the next line breaks out.',
  },
  {
    at: 'functions/core/grammar/tokenize.ts:27',
    mutator: 'EqualityOperator',
    why: 'Equivalent: input[length] is undefined, which /\\s/ does not match ("undefined"), so the loop stops there either way.',
  },
  {
    at: 'functions/core/grammar/tokenize.ts:27',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    why: 'Equivalent: input[length] is undefined, which /\\s/ does not match ("undefined"), so the loop stops there either way.',
  },
  {
    at: 'functions/core/grammar/tokenize.ts:57',
    mutator: 'EqualityOperator',
    why: 'Equivalent: input[length] is undefined, which is no closing quote, so the search ends with -1 either way.',
  },
];
const usedEquivalents = new Set<(typeof EQUIVALENT)[number]>();
const equivalentOf = (file: string, m: Mutant) => {
  const entry = EQUIVALENT.find(
    (e) =>
      e.at === `${file}:${m.location.start.line}` &&
      e.mutator === m.mutatorName &&
      (e.replacement === undefined || (m.replacement ?? '').includes(e.replacement)),
  );
  if (entry) usedEquivalents.add(entry);
  return entry?.why;
};

/** Modules as the issue names them, by path prefix (the first that matches). */
const MODULES: [string, string][] = [
  ['bots/discord/discord-request-check.ts', 'Discord signature check'],
  ['bots/slack/slack-request-check.ts', 'Slack request guard'],
  ['functions/core/tokenbay/', 'TokenBay client'],
  ['functions/core/workflow/submit-step.ts', 'Submit step'],
  ['functions/core/workflow/check-status-step.ts', 'CheckStatus step'],
  ['functions/core/workflow/save-to-s3-step.ts', 'Transfer and resume'],
  ['functions/core/transfer/', 'Transfer and resume'],
  ['functions/core/storage/', 'Links and share redirect'],
  ['functions/core/grammar/', 'Grammar'],
  ['bots/discord/discord-options.ts', 'Discord options (the grammar on Discord)'],
  ['bots/slack/slack-escapes.ts', 'Slack escapes (the grammar on Slack)'],
  ['functions/core/request/', 'Validator and request builder'],
  ['functions/core/usage/', 'Usage ledger and limits'],
  ['functions/core/workflow/settle-usage-step.ts', 'Settle steps'],
  ['functions/core/workflow/run-ended-step.ts', 'Settle steps'],
  ['local/account/iam-policy.ts', 'Emulated account: IAM'],
  ['local/account/sigv4.ts', 'Emulated account: SigV4'],
  ['local/account/stage-throttle.ts', 'Emulated account: stage throttle'],
  ['local/account/services/event-rules.ts', 'Emulated account: EventBridge patterns'],
  ['local/security/host-check.ts', 'Local security: Host allow-list'],
  ['infra/definition-paths.ts', 'Static check of the definition'],
];

const dir = 'reports/mutation';
const reports = (existsSync(dir) ? readdirSync(dir) : [])
  .filter((name) => /^mutation(-[a-z]+)?\.json$/.test(name))
  .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Report);
if (reports.length === 0)
  process.stderr.write(`No Stryker JSON report in ${dir}: only the hand mutants are reported.\n`);

/** The parts stryker.config.mjs knows (MUTATION_PART), and whether this report has each. */
const PARTS: Record<string, string> = {
  steps: 'signature checks, request guard, Submit, CheckStatus, transfer and resume, links',
  tokenbay: 'the TokenBay client',
  grammar: 'grammar, validator and request builder',
  failures: 'the ledger, the settle steps, and the emulated account’s IAM, SigV4 and local security checks',
};
const haveAll = existsSync(join(dir, 'mutation.json'));
const missingParts = haveAll
  ? []
  : Object.entries(PARTS).filter(([part]) => !existsSync(join(dir, `mutation-${part}.json`)));

const files = new Map<string, { source: string; mutants: Mutant[] }>();
for (const report of reports) for (const [file, data] of Object.entries(report.files)) files.set(file, data);
/** How long each part's Stryker run took, as scripts/mutation-run.ts measured it. */
const runTimes = (existsSync(dir) ? readdirSync(dir) : [])
  .filter((name) => /^run-time(-[a-z]+)?\.json$/.test(name))
  .flatMap((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as MutationRunTime[])
  .sort((a, b) => a.part.localeCompare(b.part) || a.finishedAt.localeCompare(b.finishedAt));
const runMs = runTimes.reduce((sum, r) => sum + r.ms, 0);
/** The latest full run of each part: what `npm run mutation` costs from a fresh clone. */
const fullRunMs = [...new Set(runTimes.map((r) => r.part))].reduce(
  (sum, part) => sum + (runTimes.filter((r) => r.part === part && !r.incremental).at(-1)?.ms ?? 0),
  0,
);

type Counts = Record<'killed' | 'survived' | 'timeout' | 'noCoverage' | 'ignored' | 'invalid', number>;
const empty = (): Counts => ({ killed: 0, survived: 0, timeout: 0, noCoverage: 0, ignored: 0, invalid: 0 });
const tally = (counts: Counts, mutant: Mutant) => {
  if (mutant.status === 'Killed') counts.killed++;
  else if (mutant.status === 'Survived') counts.survived++;
  else if (mutant.status === 'Timeout') counts.timeout++;
  else if (mutant.status === 'NoCoverage') counts.noCoverage++;
  else if (mutant.status === 'Ignored') counts.ignored++;
  else counts.invalid++;
};
/** Stryker's score: (killed + timeout) / (killed + timeout + survived + no coverage). */
const score = (c: Counts) => {
  const valid = c.killed + c.timeout + c.survived + c.noCoverage;
  return valid === 0 ? 'n/a' : `${((100 * (c.killed + c.timeout)) / valid).toFixed(1)} %`;
};
const byModule = new Map<string, { counts: Counts; equivalent: number; files: Set<string> }>();
const total = empty();
let totalEquivalent = 0;
const survivors: { file: string; mutant: Mutant; why: string | undefined }[] = [];
for (const [file, { mutants }] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
  const name = MODULES.find(([prefix]) => file.startsWith(prefix))?.[1] ?? file;
  const entry = byModule.get(name) ?? { counts: empty(), equivalent: 0, files: new Set<string>() };
  entry.files.add(file);
  for (const mutant of mutants) {
    tally(entry.counts, mutant);
    tally(total, mutant);
    if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') {
      const why = equivalentOf(file, mutant);
      if (why) {
        entry.equivalent++;
        totalEquivalent++;
      }
      survivors.push({ file, mutant, why });
    }
  }
  byModule.set(name, entry);
}

// An explanation that matches no survivor is stale (the code moved or the mutant is killed now):
// left in, it would excuse a future survivor on that line without anyone reading why.
const stale = EQUIVALENT.filter((e) => files.has(e.at.split(':')[0]!) && !usedEquivalents.has(e));
if (stale.length > 0) {
  process.stderr.write(
    `Equivalent-mutant explanations that match no survivor; remove or fix them in scripts/mutation-report.ts:\n${stale
      .map((e) => `  ${e.at} ${e.mutator}${e.replacement ? ` ${e.replacement}` : ''}`)
      .join('\n')}\n`,
  );
  process.exitCode = 1;
}

const adjusted = (c: Counts, equivalent: number) => {
  const valid = c.killed + c.timeout + c.survived + c.noCoverage - equivalent;
  return valid === 0 ? 'n/a' : `${((100 * (c.killed + c.timeout)) / valid).toFixed(1)} %`;
};
const minutes = (ms: number) => `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 90);

const lines: string[] = [
  '# Mutation testing',
  '',
  'Generated by `npm run mutation` (Stryker with the vitest runner and the TypeScript checker; ' +
    '`scripts/mutation-report.ts` writes this file). Not part of `npm test`: a part takes 5 to 15 minutes ' +
    'on two cores, the three about half an hour (run times below). Only fast in-process test files run (`vitest.mutation.config.ts`); the end-to-end tests ' +
    'run the code as Lambda bundles in child processes, which Stryker cannot see.',
  '',
  `**Score: ${score(total)}** (${total.killed + total.timeout} of ${
    total.killed + total.timeout + total.survived + total.noCoverage
  } mutants killed; ${adjusted(total, totalEquivalent)} counting the ${totalEquivalent} survivors explained as equivalent). ` +
    (runMs
      ? `Run time: ${minutes(fullRunMs)} for the full Stryker runs of the parts here (each at the commit the table gives, from a fresh clone), then ${minutes(runMs - fullRunMs)} for the incremental reruns after tests were added. The retry table's hand mutants (below) add their own time when their files have changed.`
      : 'Run time: not recorded (run `npm run mutation`).'),
  '',
  ...(runTimes.length === 0
    ? []
    : [
        '| Part | Stryker run time | Run | Finished | Commit |',
        '| --- | ---: | --- | --- | --- |',
        ...runTimes.map(
          (r) =>
            `| ${r.part} | ${minutes(r.ms)} | ${r.incremental ? 'incremental (earlier results reused)' : 'full'} | ${r.finishedAt.slice(0, 16).replace('T', ' ')} UTC | \`${r.commit}\` |`,
        ),
        '',
      ]),
  ...missingParts.flatMap(([part, what]) => [
    `**Not in this report:** the ${part} part (${what}); run \`MUTATION_PART=${part} npm run mutation\` (or plain \`npm run mutation\` for all).`,
    '',
  ]),
  '| Module | Files | Killed | Timed out | Survived | No coverage | Score | Without equivalents | Ignored (static) | Invalid (type errors) |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
for (const [name, { counts, equivalent, files: moduleFiles }] of byModule)
  lines.push(
    `| ${name} | ${[...moduleFiles].map((f) => `\`${f}\``).join('<br>')} | ${counts.killed} | ${counts.timeout} | ${
      counts.survived
    } | ${counts.noCoverage} | ${score(counts)} | ${adjusted(counts, equivalent)} | ${counts.ignored} | ${counts.invalid} |`,
  );
lines.push(
  `| **All** | ${files.size} | ${total.killed} | ${total.timeout} | ${total.survived} | ${total.noCoverage} | **${score(
    total,
  )}** | ${adjusted(total, totalEquivalent)} | ${total.ignored} | ${total.invalid} |`,
  '',
  '"Ignored (static)": mutants in code that runs outside any test (module-level constants and tables). ' +
    'Stryker would have to run every test file for each of them, so `ignoreStatic` leaves them out of the score.',
  '"Invalid": mutants the TypeScript checker rejected (they cannot be deployed).',
  '',
  '## Surviving mutants',
  '',
  survivors.length === 0 ? 'None.' : '| Where | Mutator | Replacement | Status | Why it survives |',
);
if (survivors.length > 0) {
  lines.push('| --- | --- | --- | --- | --- |');
  for (const { file, mutant, why } of survivors)
    lines.push(
      `| \`${file}:${mutant.location.start.line}\` | ${mutant.mutatorName} | \`${cell(mutant.replacement ?? '')}\` | ${
        mutant.status
      } | ${why ?? 'not killed yet'} |`,
    );
}

// The retry table, by hand mutants (scripts/retry-table-mutants.ts): Stryker counts it as static.
const retryFile = join(dir, 'retry-table.json');
if (existsSync(retryFile)) {
  const { results, ms } = JSON.parse(readFileSync(retryFile, 'utf8')) as {
    results: { what: string; file: string; killed: boolean; by?: string }[];
    ms?: number;
  };
  const killed = results.filter((r) => r.killed).length;
  lines.push(
    '',
    '## Retry table (hand mutants)',
    '',
    `The retry table (\`STATE_RETRY\` in \`functions/core/retry-policy.ts\`, used by \`infra/video-workflow.ts\`) is read while the ` +
      'stack is synthesized, outside any one test, so Stryker can only count it as static. ' +
      '`scripts/retry-table-mutants.ts` applies these mutants to a copy of the committed tree and runs ' +
      `\`test/infra/retry-table.test.ts\` against each: **${killed} of ${results.length} killed**` +
      (ms ? ` (${minutes(ms)}).` : ' (run time not recorded).'),
    '',
    '| Mutant | File | Result | Failing test |',
    '| --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${cell(r.what)} | \`${r.file}\` | ${r.killed ? 'killed' : '**survived**'} | ${cell(r.by ?? '')} |`,
    ),
  );
}

/** Mutants checked by hand (issue 19): outside Stryker's reach (bundles, the template) or found by it earlier. */
const HAND_CHECKED: [string, string, string][] = [
  [
    "`signatureVerification: false` on the Slack Lambda's AwsLambdaReceiver (`functions/slack-events.ts`)",
    '`test/slack/slack-ingress.test.ts` "refuses a tampered body with 401 and starts nothing"; `test/reliability/forgeries.test.ts` "Slack: signed with the wrong secret → 401" (and 9 other Slack forgeries)',
    'expected 200 to be 401',
  ],
  [
    'Content-Range start not checked against the resume offset (`tokenbay/client.ts` `content()`)',
    '`test/core/tokenbay-client.test.ts` "refuses a 206 that starts before/after the offset"',
    'expected a TokenBayProtocolError, got the stream',
  ],
  [
    'A 200 accepted in answer to a Range request (`status !== 206` removed)',
    '`test/core/tokenbay-client.test.ts` "refuses a 200 that claims the right Content-Range"',
    'expected a TokenBayProtocolError, got the stream',
  ],
  [
    'Default generation deadline 300 → 600 s (`functions/core/config.ts`)',
    '`test/core/config-defaults.test.ts` "gives an empty environment the documented defaults"',
    'generationTimeoutSeconds: expected 300, received 600',
  ],
  [
    'Clip-id pattern without `^` (`storage/video-object.ts`)',
    '`test/core/video-links.test.ts` "answers 404 for ../ before a valid id"; "keys only whole 22-character clip ids"',
    '../AbCdEfGhIjKlMnOpQrStUv: expected true to be false',
  ],
  [
    'Clip-id pattern without `$`',
    '`test/core/video-links.test.ts` "answers 404 for a valid id with more after it"',
    'AbCdEfGhIjKlMnOpQrStUv/../../secret: expected true to be false',
  ],
  [
    'Re-roll keeps the original seed (`ingress/rerun-video.ts`: `{ seed, ...original }` or `original.seed ?? seed`)',
    '`test/core/rerun-video.test.ts` "re-roll: the same request with a new seed, never the original one"',
    'expected 42 not to be 42',
  ],
  [
    '`grantRead(submit)` removed from the TokenBay secret (`infra/clipbay-stack.ts`)',
    '`test/account/roles.test.ts`: the first Slack video FAILED; "Submit may read the TokenBay secret"',
    "expected 'FAILED' to be 'SUCCEEDED'; expected false to be true",
  ],
  [
    "`s3:AbortMultipartUpload` removed from SaveToS3's policy",
    '`test/account/roles.test.ts`: the cut-download video FAILED; "SaveToS3 may abort a multipart upload under clips/"',
    "expected 'FAILED' to be 'SUCCEEDED'; expected false to be true",
  ],
];
lines.push(
  '',
  '## Mutants checked by hand',
  '',
  'Each applied to a copy of the code, the named test run and seen to fail, then reverted.',
  '',
  '| Mutant | Killed by | Failing assertion |',
  '| --- | --- | --- |',
  ...HAND_CHECKED.map(([what, by, assertion]) => `| ${what} | ${by} | ${assertion} |`),
);

const commit = existsSync('.snapshot-commit')
  ? readFileSync('.snapshot-commit', 'utf8').trim()
  : execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
lines.push('', `Report written at commit \`${commit.slice(0, 7)}\`.`, '');
writeFileSync('docs/MUTATION.md', lines.join('\n'));
process.stdout.write(
  `docs/MUTATION.md: score ${score(total)}, ${survivors.length} survivors, run ${minutes(runMs)}\n`,
);
