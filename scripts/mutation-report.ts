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
import { retryTableSources } from './retry-table-sources.js';

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
  // The failures part (issue 25).
  {
    at: 'functions/core/usage/start-within-limits.ts:145',
    mutator: 'MethodExpression',
    why: 'Equivalent: the two undo steps (drop the run’s row, give back the day’s reservation) write different items, so their order is not observable.',
  },
  {
    at: 'functions/core/workflow/run-ended-step.ts:135',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    why: 'Equivalent in what is sent: a VideoFailedUntold run is told on every delivery whatever its tellPending says; the flag is read only for runs that are not untold (tested: "a run that ended in VideoFailedUntold is told …").',
  },
  {
    at: 'infra/definition-paths.ts:127',
    mutator: 'ConditionalExpression',
    why: 'Equivalent: a Fail state then falls through to the Wait case, which finds no Next and gives no way out either (ASL allows a Fail no InputPath or OutputPath to refuse).',
  },
  {
    at: 'infra/definition-paths.ts:140',
    mutator: 'Regex',
    why: 'Equivalent: every path in the set starts with $, so the first $ replaced is the leading one, anchored or not.',
  },
  {
    at: 'infra/definition-paths.ts:142',
    mutator: 'ArrayDeclaration',
    why: 'Not observable: adds one path named "Stryker was here" under the ResultPath, which no state of a definition reads.',
  },
  {
    at: 'infra/definition-paths.ts:168',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    why: 'Equivalent: a Task, Pass or other state has no Choices, so looking for their paths finds none either way.',
  },
  {
    at: 'infra/definition-paths.ts:189',
    mutator: 'ArrayDeclaration',
    why: 'Not observable: a rule that proves nothing would prove a path named "Stryker was here", which no state reads.',
  },
  {
    at: 'infra/definition-paths.ts:198',
    mutator: 'ArrayDeclaration',
    why: 'Not observable: a rule that proves nothing would prove a path named "Stryker was here", which no state reads.',
  },
  {
    at: 'infra/definition-paths.ts:217',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    why: 'Equivalent: the parents written back always end with the ResultPath itself (and bare $ is never in the set), so keeping it changes nothing.',
  },
  {
    at: 'local/account/iam-policy.ts:63',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    why: 'Equivalent: a Deny that applies has already returned in the loop before, so a Deny reaching the Allow loop never applies.',
  },
  {
    at: 'local/account/iam-policy.ts:79',
    mutator: 'ArrayDeclaration',
    why: 'Equivalent: list() gets undefined only as the NotAction of a statement with neither Action nor NotAction (invalid IAM); a placeholder there matches no action, as [] does.',
  },
  {
    at: 'local/account/iam-policy.ts:91',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    why: 'Equivalent: with neither Resource nor NotResource, list(undefined) is empty, so !some(…) is true, as the `: true` branch is (tested: a trust policy’s statement applies to any resource).',
  },
  {
    at: 'local/account/iam-policy.ts:120',
    mutator: 'LogicalOperator',
    why: 'Equivalent: a principal that is a string (other than *) has no AWS key and names no one on the next lines; undefined still returns false (JSON from a template has no null principal).',
  },
  {
    at: 'local/account/iam-policy.ts:120',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    why: 'Equivalent: a principal that is a string (other than *) has no AWS key, so it names no one on the next lines either way.',
  },
  {
    at: 'local/account/iam-policy.ts:122',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    why: 'Equivalent: with no AWS key (a Service principal), the loop over list(undefined) names no one either (tested: a Service principal names no role).',
  },
  {
    at: 'local/account/services/event-rules.ts:97',
    mutator: 'Regex',
    why: 'Equivalent: toISOString() always ends in .sssZ, so the milliseconds are cut at the end with or without the $ anchor.',
  },
  {
    at: 'local/account/services/event-rules.ts:174',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    why: 'Equivalent for JSON patterns: with the field missing the values are [undefined], which no JSON value (null included) equals.',
  },
  {
    at: 'local/account/sigv4.ts:86',
    mutator: 'EqualityOperator',
    why: 'Equivalent: Node’s rawHeaders always holds name and value pairs (an even length), for which < and <= stop at the same i.',
  },
  {
    at: 'local/account/sigv4.ts:121',
    mutator: 'StringLiteral',
    why: 'Equivalent: a missing X-Amz-Credential fails the credential pattern as "" or as other text (tested: refused as incomplete).',
  },
  {
    at: 'local/account/sigv4.ts:123',
    mutator: 'StringLiteral',
    why: 'Equivalent: a missing X-Amz-Signature fails the 64-hex-digit pattern as "" or as other text (tested: refused as incomplete).',
  },
  {
    at: 'local/account/sigv4.ts:200',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    why: 'Equivalent: both signatures are 64 hex digits (the parser’s patterns and the signer’s output guarantee it), so their lengths never differ.',
  },
  {
    at: 'local/account/sigv4.ts:227',
    mutator: 'BooleanLiteral',
    why: 'Equivalent: x-amz-content-sha256 is always among the headers given to the signer here, and applyChecksum only adds it when it is missing.',
  },
  {
    at: 'local/account/sigv4.ts:277',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    why: 'Equivalent: where the request signs x-amz-content-sha256, the payload hash is that header’s own value (signedPayloadHash), so writing it again changes nothing.',
  },
  {
    at: 'local/account/sigv4.ts:278',
    mutator: 'MethodExpression',
    why: 'Equivalent: the signer signs a header named in signableHeaders even when unsignableHeaders names it too, so also listing the signed ones there changes nothing.',
  },
  {
    at: 'local/account/sigv4.ts:285',
    mutator: 'BooleanLiteral',
    why: 'Equivalent: x-amz-content-sha256 is always among the headers given to the signer here, and applyChecksum only adds it when it is missing.',
  },
  {
    at: 'local/account/sigv4.ts:292',
    mutator: 'Regex',
    why: 'Equivalent: the Authorization header the signer writes ends with its signature.',
  },
  {
    at: 'local/account/sigv4.ts:292',
    mutator: 'StringLiteral',
    why: 'Not reachable: the signer always writes an Authorization header with a 64-digit signature.',
  },
  {
    at: 'local/account/sigv4.ts:305',
    mutator: 'ConditionalExpression',
    replacement: 'false',
    why: 'Equivalent: the signer writes a one-element list into the canonical query exactly as the single value.',
  },
  {
    at: 'local/account/sigv4.ts:309',
    mutator: 'StringLiteral',
    why: 'Equivalent: the signer ignores the protocol (the canonical request has none).',
  },
  {
    at: 'local/account/sigv4.ts:310',
    mutator: 'StringLiteral',
    why: 'Equivalent: the signer ignores the hostname; it signs the host header.',
  },
  {
    at: 'local/account/sigv4.ts:319',
    mutator: 'ConditionalExpression',
    replacement: 'true',
    why: 'Equivalent: the signer skips a header whose value is undefined, so keeping it in the bag signs nothing more.',
  },
  {
    at: 'local/security/host-check.ts:12',
    mutator: 'ArrayDeclaration',
    why: 'Not observable: the default would allow one more Host, "stryker was here:<port>", a name with spaces no client sends (tested: with no names configured, only loopback).',
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

/** Modules as the issue names them, by path prefix (the first that matches), and their part. */
const MODULES: [prefix: string, name: string, part: string][] = [
  ['bots/discord/discord-request-check.ts', 'Discord signature check', 'steps'],
  ['bots/slack/slack-request-check.ts', 'Slack request guard', 'steps'],
  ['functions/core/tokenbay/', 'TokenBay client', 'tokenbay'],
  ['functions/core/workflow/submit-step.ts', 'Submit step', 'steps'],
  ['functions/core/workflow/check-status-step.ts', 'CheckStatus step', 'steps'],
  ['functions/core/workflow/save-to-s3-step.ts', 'Transfer and resume', 'steps'],
  ['functions/core/transfer/', 'Transfer and resume', 'steps'],
  ['functions/core/storage/', 'Links and share redirect', 'steps'],
  ['functions/core/grammar/', 'Grammar', 'grammar'],
  ['bots/discord/discord-options.ts', 'Discord options (the grammar on Discord)', 'grammar'],
  ['bots/slack/slack-escapes.ts', 'Slack escapes (the grammar on Slack)', 'grammar'],
  ['functions/core/request/', 'Validator and request builder', 'grammar'],
  ['functions/core/usage/', 'Usage ledger and limits', 'failures'],
  ['functions/core/workflow/settle-usage-step.ts', 'Settle steps', 'failures'],
  ['functions/core/workflow/run-ended-step.ts', 'Settle steps', 'failures'],
  ['functions/core/notify/run-messages.ts', "The run's message, posted once", 'failures'],
  ['local/account/iam-policy.ts', 'Emulated account: IAM', 'failures'],
  ['local/account/sigv4.ts', 'Emulated account: SigV4', 'failures'],
  ['local/account/stage-throttle.ts', 'Emulated account: stage throttle', 'failures'],
  ['local/account/services/event-rules.ts', 'Emulated account: EventBridge patterns', 'failures'],
  ['local/security/host-check.ts', 'Local security: Host allow-list', 'failures'],
  ['infra/definition-paths.ts', 'Static check of the definition', 'failures'],
];
const moduleOf = (file: string) => MODULES.find(([prefix]) => file.startsWith(prefix));
/** The part a mutated file belongs to (as stryker.config.mjs's MUTATE groups them). */
const partOf = (file: string) => moduleOf(file)?.[2] ?? '?';

const dir = 'reports/mutation';
const reportNames = (existsSync(dir) ? readdirSync(dir) : []).filter((name) =>
  /^mutation(-[a-z]+)?\.json$/.test(name),
);
const reports = reportNames.map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Report);

/** The parts stryker.config.mjs knows (MUTATION_PART). */
const PARTS: Record<string, string> = {
  steps: 'signature checks, request guard, Submit, CheckStatus, transfer and resume, links',
  tokenbay: 'the TokenBay client',
  grammar: 'grammar, validator and request builder',
  failures:
    'the ledger, the settle steps, the run’s message posted once, and the emulated account’s IAM, SigV4 and local security checks',
};
const haveAll = reportNames.includes('mutation.json');
/** The parts whose Stryker report is on this machine (reports/ is not committed). */
const partsHere = Object.keys(PARTS).filter(
  (part) => haveAll || reportNames.includes(`mutation-${part}.json`),
);

const files = new Map<string, { source: string; mutants: Mutant[] }>();
for (const report of reports) for (const [file, data] of Object.entries(report.files)) files.set(file, data);
/** How long each part's Stryker run took, as scripts/mutation-run.ts measured it. */
type RunTimeRow = MutationRunTime & { carried?: boolean };
const localRunTimes: RunTimeRow[] = (existsSync(dir) ? readdirSync(dir) : [])
  .filter((name) => /^run-time(-[a-z]+)?\.json$/.test(name))
  .flatMap((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as MutationRunTime[]);

type Counts = Record<'killed' | 'survived' | 'timeout' | 'noCoverage' | 'ignored' | 'invalid', number>;
const empty = (): Counts => ({ killed: 0, survived: 0, timeout: 0, noCoverage: 0, ignored: 0, invalid: 0 });
const add = (into: Counts, c: Counts) => {
  for (const k of Object.keys(into) as (keyof Counts)[]) into[k] += c[k];
};

/**
 * A part whose report is not on this machine keeps what the committed docs/MUTATION.md says of it:
 * its module rows, run times and survivors, each marked as from the earlier run (at the commit of
 * that part's latest run). Without this, a run of one part would drop the others' scores from the
 * doc, since reports/ is not committed.
 */
interface Carried {
  modules: { name: string; part: string; files: string[]; counts: Counts; from: string }[];
  runTimes: RunTimeRow[];
  survivors: { file: string; cells: string[]; from: string }[];
}
function earlierDoc(): string | undefined {
  try {
    return execFileSync('git', ['show', 'HEAD:docs/MUTATION.md'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return existsSync('docs/MUTATION.md') ? readFileSync('docs/MUTATION.md', 'utf8') : undefined;
  }
}
/** The rows of the Markdown table whose header line starts with `header`, as cells by column name. */
function tableRows(doc: string, header: string): Record<string, string>[] {
  const split = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
  const lines = doc.split('\n');
  const at = lines.findIndex((line) => line.startsWith(header));
  if (at < 0) return [];
  const names = split(lines[at]!);
  const rows: Record<string, string>[] = [];
  for (const line of lines.slice(at + 2)) {
    if (!line.startsWith('|')) break;
    const cells = split(line);
    rows.push(Object.fromEntries(names.map((name, i) => [name, cells[i] ?? ''])));
  }
  return rows;
}
function carriedFrom(doc: string | undefined, parts: string[]): Carried {
  const carried: Carried = { modules: [], runTimes: [], survivors: [] };
  if (!doc || parts.length === 0) return carried;
  const written = /Report written at commit `([0-9a-f]+)`/.exec(doc)?.[1] ?? 'unknown';
  for (const row of tableRows(doc, '| Part | Stryker run time |')) {
    const part = row.Part!;
    if (!parts.includes(part)) continue;
    const time = /^(\d+) min (\d+) s$/.exec(row['Stryker run time'] ?? '');
    const finished = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) UTC$/.exec(row.Finished ?? '');
    if (!time || !finished) continue;
    carried.runTimes.push({
      part,
      ms: (Number(time[1]) * 60 + Number(time[2])) * 1000,
      finishedAt: `${finished[1]}T${finished[2]}:00.000Z`,
      commit: (row.Commit ?? '').replace(/`/g, ''),
      incremental: (row.Run ?? '').startsWith('incremental'),
      carried: true,
    });
  }
  /** An earlier run's commit: as the doc marked it, else the part's latest run, else the doc's. */
  const fromOf = (part: string, marked: string | undefined) =>
    /`([^`]+)`/.exec(marked ?? '')?.[1] ??
    carried.runTimes
      .filter((r) => r.part === part)
      .sort((a, b) => a.finishedAt.localeCompare(b.finishedAt))
      .at(-1)?.commit ??
    written;
  const number = (text: string | undefined) => Number((text ?? '0').replace(/\*/g, '')) || 0;
  for (const row of tableRows(doc, '| Module |')) {
    const moduleFiles = [...(row.Files ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const part = moduleFiles[0] === undefined ? undefined : partOf(moduleFiles[0]);
    if (part === undefined || !parts.includes(part)) continue;
    carried.modules.push({
      name: row.Module!,
      part,
      files: moduleFiles,
      from: fromOf(part, row['Results from']),
      counts: {
        killed: number(row.Killed),
        timeout: number(row['Timed out']),
        survived: number(row.Survived),
        noCoverage: number(row['No coverage']),
        ignored: number(row['Ignored (static)']),
        invalid: number(row['Invalid (type errors)']),
      },
    });
  }
  for (const row of tableRows(doc, '| Where |')) {
    const file = /^`([^`:]+):\d+`$/.exec(row.Where ?? '')?.[1];
    if (file === undefined || !parts.includes(partOf(file))) continue;
    carried.survivors.push({
      file,
      from: fromOf(partOf(file), row['Results from']),
      cells: [row.Where!, row.Mutator!, row.Replacement!, row.Status!, row['Why it survives']!],
    });
  }
  return carried;
}
const previous = earlierDoc();
const carried = carriedFrom(
  previous,
  Object.keys(PARTS).filter((part) => !partsHere.includes(part)),
);
const carriedParts = Object.keys(PARTS).filter((part) => carried.modules.some((m) => m.part === part));
const missingParts = Object.entries(PARTS).filter(
  ([part]) => !partsHere.includes(part) && !carriedParts.includes(part),
);
if (reports.length === 0 && carried.modules.length === 0)
  process.stderr.write(`No Stryker JSON report in ${dir}: only the hand mutants are reported.\n`);

const runTimes: RunTimeRow[] = [...localRunTimes, ...carried.runTimes].sort(
  (a, b) => a.part.localeCompare(b.part) || a.finishedAt.localeCompare(b.finishedAt),
);
const runMs = runTimes.reduce((sum, r) => sum + r.ms, 0);
/** The latest full run of each part: what `npm run mutation` costs from a fresh clone. */
const fullRunMs = [...new Set(runTimes.map((r) => r.part))].reduce(
  (sum, part) => sum + (runTimes.filter((r) => r.part === part && !r.incremental).at(-1)?.ms ?? 0),
  0,
);
/** Where a part's results come from: this machine's report (at its latest run), or an earlier run. */
const latestRun = (part: string) =>
  localRunTimes
    .filter((r) => r.part === part || r.part === 'all')
    .sort((a, b) => a.finishedAt.localeCompare(b.finishedAt))
    .at(-1);
const fromHere = (part: string) => {
  const run = latestRun(part);
  return run ? `this run (\`${run.commit}\`)` : 'a report here';
};
const fromEarlier = (commit: string) => `earlier run (\`${commit}\`)`;

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
interface ModuleRow {
  name: string;
  part: string;
  counts: Counts;
  equivalent: number;
  files: Set<string>;
  from: string;
}
const byModule = new Map<string, ModuleRow>();
const byPart = new Map<string, { counts: Counts; equivalent: number; from: Set<string> }>();
const total = empty();
let totalEquivalent = 0;
const survivors: { file: string; mutant: Mutant; why: string | undefined }[] = [];
for (const [file, { mutants }] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
  const name = moduleOf(file)?.[1] ?? file;
  const part = partOf(file);
  const entry = byModule.get(name) ?? {
    name,
    part,
    counts: empty(),
    equivalent: 0,
    files: new Set<string>(),
    from: fromHere(part),
  };
  entry.files.add(file);
  for (const mutant of mutants) {
    tally(entry.counts, mutant);
    if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') {
      const why = equivalentOf(file, mutant);
      if (why) entry.equivalent++;
      survivors.push({ file, mutant, why });
    }
  }
  byModule.set(name, entry);
}
for (const m of carried.modules) {
  const equivalent = carried.survivors.filter(
    (s) => m.files.includes(s.file) && !/not killed yet/.test(s.cells[4] ?? ''),
  ).length;
  byModule.set(`${m.name} (${m.part})`, {
    ...m,
    files: new Set(m.files),
    equivalent,
    from: fromEarlier(m.from),
  });
}
for (const m of byModule.values()) {
  const entry = byPart.get(m.part) ?? { counts: empty(), equivalent: 0, from: new Set<string>() };
  add(entry.counts, m.counts);
  entry.equivalent += m.equivalent;
  entry.from.add(m.from);
  byPart.set(m.part, entry);
  add(total, m.counts);
  totalEquivalent += m.equivalent;
}
const modules = [...byModule.values()].sort(
  (a, b) =>
    Object.keys(PARTS).indexOf(a.part) - Object.keys(PARTS).indexOf(b.part) ||
    [...a.files][0]!.localeCompare([...b.files][0]!),
);

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
const partsShown = Object.keys(PARTS).filter((part) => byPart.has(part));
const list = (items: string[]) =>
  items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

const lines: string[] = [
  '# Mutation testing',
  '',
  'Generated by `npm run mutation` (Stryker with the vitest runner and the TypeScript checker; ' +
    '`scripts/mutation-report.ts` writes this file). Not part of `npm test`: a part takes 5 to 25 minutes ' +
    'on two cores (run times below). Only fast in-process test files run (`vitest.mutation.config.ts`); the end-to-end tests ' +
    'run the code as Lambda bundles in child processes, which Stryker cannot see.',
  '',
  `**Score: ${score(total)}** over the ${list(partsShown)} part${partsShown.length === 1 ? '' : 's'} ` +
    `(${total.killed + total.timeout} of ${
      total.killed + total.timeout + total.survived + total.noCoverage
    } mutants killed; ${adjusted(total, totalEquivalent)} counting the ${totalEquivalent} survivors explained as equivalent).` +
    (carriedParts.length > 0
      ? ` Stryker's reports are not committed (reports/ is ignored), and this machine had none for the ${list(carriedParts)} part${carriedParts.length === 1 ? '' : 's'}: ` +
        'their rows below are carried from the committed docs/MUTATION.md, as their last run left them, marked "earlier run" with its commit; ' +
        `${partsHere.length > 0 ? `the ${list(partsHere)} part${partsHere.length === 1 ? "'s rows come" : "s' rows come"} from this machine's report` : 'no part was run here'}.`
      : '') +
    ' ' +
    (runMs
      ? `Run time: ${minutes(fullRunMs)} for the latest full Stryker run of each part (at the commit the table gives, from a fresh clone), then ${minutes(runMs - fullRunMs)} for the incremental reruns after tests were added. The retry table's hand mutants (below) add their own time when their files have changed.`
      : 'Run time: not recorded (run `npm run mutation`).'),
  '',
  '| Part | What | Results from | Killed | Timed out | Survived | No coverage | Score | Without equivalents |',
  '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...partsShown.map((part) => {
    const { counts, equivalent, from } = byPart.get(part)!;
    return `| ${part} | ${PARTS[part]} | ${[...from].join('<br>')} | ${counts.killed} | ${counts.timeout} | ${counts.survived} | ${counts.noCoverage} | ${score(counts)} | ${adjusted(counts, equivalent)} |`;
  }),
  '',
  ...(runTimes.length === 0
    ? []
    : [
        '| Part | Stryker run time | Run | Finished | Commit | Recorded |',
        '| --- | ---: | --- | --- | --- | --- |',
        ...runTimes.map(
          (r) =>
            `| ${r.part} | ${minutes(r.ms)} | ${r.incremental ? 'incremental (earlier results reused)' : 'full'} | ${r.finishedAt.slice(0, 16).replace('T', ' ')} UTC | \`${r.commit}\` | ${r.carried ? 'earlier run (carried)' : 'this machine'} |`,
        ),
        '',
      ]),
  ...missingParts.flatMap(([part, what]) => [
    `**Not in this report:** the ${part} part (${what}); run \`MUTATION_PART=${part} npm run mutation\` (or plain \`npm run mutation\` for all).`,
    '',
  ]),
  '| Module | Part | Files | Results from | Killed | Timed out | Survived | No coverage | Score | Without equivalents | Ignored (static) | Invalid (type errors) |',
  '| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
for (const { name, part, counts, equivalent, files: moduleFiles, from } of modules)
  lines.push(
    `| ${name} | ${part} | ${[...moduleFiles].map((f) => `\`${f}\``).join('<br>')} | ${from} | ${counts.killed} | ${counts.timeout} | ${
      counts.survived
    } | ${counts.noCoverage} | ${score(counts)} | ${adjusted(counts, equivalent)} | ${counts.ignored} | ${counts.invalid} |`,
  );
lines.push(
  `| **All** | ${partsShown.length} | ${modules.reduce((n, m) => n + m.files.size, 0)} | | ${total.killed} | ${total.timeout} | ${total.survived} | ${total.noCoverage} | **${score(
    total,
  )}** | ${adjusted(total, totalEquivalent)} | ${total.ignored} | ${total.invalid} |`,
  '',
  '"Ignored (static)": mutants in code that runs outside any test (module-level constants and tables). ' +
    'Stryker would have to run every test file for each of them, so `ignoreStatic` leaves them out of the score.',
  '"Invalid": mutants the TypeScript checker rejected (they cannot be deployed).',
  '',
  '## Surviving mutants',
  '',
);
/** The line of a survivor's `file:line` cell. */
const lineOf = (where: string | undefined) => Number(/:(\d+)`$/.exec(where ?? '')?.[1] ?? 0);
const survivorRows = [
  ...survivors.map(({ file, mutant, why }) => ({
    file,
    from: fromHere(partOf(file)),
    cells: [
      `\`${file}:${mutant.location.start.line}\``,
      mutant.mutatorName,
      `\`${cell(mutant.replacement ?? '')}\``,
      mutant.status,
      why ?? 'not killed yet',
    ],
  })),
  ...carried.survivors.map((s) => ({ ...s, from: fromEarlier(s.from) })),
].sort((a, b) => a.file.localeCompare(b.file) || lineOf(a.cells[0]) - lineOf(b.cells[0]));
if (survivorRows.length === 0) lines.push('None.');
else
  lines.push(
    '| Where | Mutator | Replacement | Status | Why it survives | Results from |',
    '| --- | --- | --- | --- | --- | --- |',
    ...survivorRows.map(({ cells, from }) => `| ${cells.join(' | ')} | ${from} |`),
  );

// The retry table, by hand mutants (scripts/retry-table-mutants.ts): Stryker counts it as static.
const retryFile = join(dir, 'retry-table.json');
if (existsSync(retryFile)) {
  const { results, ms, sources } = JSON.parse(readFileSync(retryFile, 'utf8')) as {
    results: { what: string; file: string; killed: boolean; by?: string }[];
    ms?: number;
    sources?: Record<string, string>;
  };
  const killed = results.filter((r) => r.killed).length;
  // Its files as they are now, against what the run saw (git's blob ids): a result is not passed
  // off as current when they have changed since.
  const now = retryTableSources();
  const changed = Object.keys(now).filter((path) => sources?.[path] !== now[path]);
  lines.push(
    '',
    '## Retry table (hand mutants)',
    '',
    `The retry table (\`STATE_RETRY\` in \`functions/core/retry-policy.ts\`, used by \`infra/video-workflow.ts\`) is read while the ` +
      'stack is synthesized, outside any one test, so Stryker can only count it as static. ' +
      '`scripts/retry-table-mutants.ts` applies these mutants to a copy of the committed tree and runs ' +
      `\`test/infra/retry-table.test.ts\` against each: **${killed} of ${results.length} killed**` +
      (ms ? ` (${minutes(ms)}).` : ' (run time not recorded).') +
      (changed.length > 0
        ? ` That run saw earlier versions of ${changed.map((f) => `\`${f}\``).join(', ')}: the steps part (\`MUTATION_PART=steps npm run mutation\`) runs the hand mutants again.`
        : ''),
    '',
    '| Mutant | File | Result | Failing test |',
    '| --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${cell(r.what)} | \`${r.file}\` | ${r.killed ? 'killed' : '**survived**'} | ${cell(r.by ?? '')} |`,
    ),
  );
} else {
  // No run of the hand mutants on this machine: the committed doc's section, as its run left it.
  const section = /\n## Retry table \(hand mutants\)\n([\s\S]*?)\n## /.exec(previous ?? '')?.[1];
  if (section)
    lines.push(
      '',
      '## Retry table (hand mutants)',
      '',
      'Carried from the committed docs/MUTATION.md: this machine has no run of the hand mutants (reports/mutation/retry-table.json).',
      // Carried more than once: one such line.
      section.replace(/^\s*Carried from the committed[^\n]*\n/, '').trimEnd(),
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
  `docs/MUTATION.md: score ${score(total)}, ${survivorRows.length} survivors, run ${minutes(runMs)}\n`,
);
