import { BAD_INPUTS } from './bad-input-corpus.js';
import { FAILURE_MATRIX } from './failure-matrix.js';
import { FAULTS } from './fault-catalog.js';
import { FORGERIES } from './forgeries.js';
import { LIMIT_CASES } from '../usage/limit-catalog.js';
import { TRANSPORT_GARBAGE } from './transport-garbage.js';

/** Control and bidi characters, shown as \uXXXX so the table shows what was typed. */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

/** docs/RELIABILITY.md, rendered from the tables the suites run. `npm run docs:reliability` writes it. */
export function renderReliabilityDoc(): string {
  const cell = (text: string, max = 90) => {
    const shown = text
      .replace(/\n/g, ' ')
      .replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .replace(/\|/g, '\\|');
    return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
  };
  const code = (text: string) => (text === '' ? '(empty)' : `\`${cell(text, 60).replace(/`/g, "'")}\``);
  const discordToo = BAD_INPUTS.filter((c) => !c.slackOnly).length;
  return [
    '# Reliability',
    '',
    '<!-- Generated from test/reliability/*.ts by `npm run docs:reliability`; a test fails if it drifts. -->',
    '',
    'What clipbay is tested against, and what happens. Every row is a case in `npm test`.',
    '',
    `- Bad input: ${BAD_INPUTS.length} commands on Slack, ${discordToo} of them on Discord too, plus 2 Discord attachments and ${TRANSPORT_GARBAGE.length} transport-level requests; every one answered privately or with a 4xx, and the suite asserts that **zero** requests reached TokenBay and zero executions started.`,
    `- Forged requests: ${FORGERIES.length}, all 401, zero executions. Slack's HMAC is compared in constant time (Bolt, \`tsscmp\`); Discord's Ed25519 signature is checked with \`node:crypto\` \`verify\`.`,
    `- Faults: ${FAULTS.length} kinds, ${FAULTS.reduce((n, f) => n + f.commands, 0)} commands sent through them. In every one: videos lost 0, duplicate submits 0, users left without an answer 0 (each test asserts its outcome; downloads resume byte-identically). Rows from \`deployed-faults\` and \`deployed-shape\` run the deployed shape: the Lambda bundles under their roles in the emulated account.`,
    '',
    '## Bad input',
    '',
    '| case | command | answer (only the caller sees it) | Discord |',
    '|---|---|---|---|',
    ...BAD_INPUTS.map(
      (c) =>
        `| ${cell(c.name)} | ${code(c.text)} | ${cell(c.message)} | ${c.slackOnly ? 'client cannot send it' : 'same answer'} |`,
    ),
    '',
    '## Transport garbage',
    '',
    '| request | answer |',
    '|---|---|',
    ...TRANSPORT_GARBAGE.map(
      (c) =>
        `| ${cell(c.name)} | ${c.status}${c.ephemeral ? ` (private: ${cell(c.ephemeral)})` : ''}${c.answer === undefined ? '' : ` (${cell(JSON.stringify(c.answer))})`} |`,
    ),
    '',
    '## Forged requests',
    '',
    '| forgery | answer |',
    '|---|---|',
    ...FORGERIES.map((f) => `| ${cell(f.name)} | 401, nothing started |`),
    '',
    '## Usage limits',
    '',
    `Each limit is set as the team would set it and hit through the emulated account: the ingress Lambdas reserve with conditional writes on its DynamoDB (the real DynamoDB API, behind the signed, IAM-checked endpoint). ${LIMIT_CASES.reduce((n, c) => n + c.commands, 0)} commands in ${LIMIT_CASES.length} tests; every refusal is private, and a refused command submits nothing.`,
    '',
    '| limit | commands | started | what happens | proven by |',
    '|---|---|---|---|---|',
    ...LIMIT_CASES.map(
      (c) =>
        `| \`${c.setting}\` | ${cell(c.scenario, 200)}: ${c.commands} | ${c.started} | ${cell(c.outcome, 200)} | \`${c.file}\`: ${cell(c.test, 120)} |`,
    ),
    '',
    '## Faults',
    '',
    '| fault | what happens | commands | faults injected | lost | duplicate submits | unanswered | proven by |',
    '|---|---|---|---|---|---|---|---|',
    ...FAULTS.map(
      (f) =>
        `| ${cell(f.fault, 200)} | ${cell(f.outcome, 200)} | ${f.commands} | ${cell(f.injected, 120)} | 0 | 0 | 0 | \`${f.file}\`: ${cell(f.test, 120)} |`,
    ),
    '',
    '## Failure matrix',
    '',
    `Every Task state of the workflow hit by every kind of failure, at its first attempt and at a later one (after an error the state retries): ${FAILURE_MATRIX.length} runs through the emulated account (\`test/reliability/failure-matrix.test.ts\`). The fault is applied where Lambda reports it, under AWS's name: an error the state never retries, a retried error at every attempt, \`Lambda.TooManyRequestsException\` (throttle), \`Runtime.ExitError\` as the invocation arrives (crash) and after the handler finished, its work done but its answer lost (crash-after), \`Sandbox.Timedout\` (timeout), and a connection reset after a freeze (reset: the environment is warm and was frozen, and the network path forgot every connection it kept open, as a NAT's idle timeout does, so the next bytes on each are answered with a reset and reach nothing). Every row also asserts: never \`States.Runtime\`, at most one submit, the ledger row closed with its outcome, the slot free, and no multipart upload left open; a reset row also asserts that the fault took effect (a request went out on a forgotten connection and was reset), except Submit's, which keeps no connection and asserts that its one submit reached TokenBay. ReportFailure and SettleFailedRunUsage rows take the failure path first (a refused key at the first poll). The channel is read as Slack shows it: a post with \`replace_original\` takes the place of the one before. Faults fire at the invocation's edges (as it arrives, or once the handler finished), never in the middle, so the outcome never depends on timing (the SaveToS3 kill mid-transfer in the faults table is the middle).`,
    '',
    '| state | failure | attempt | execution ends | the channel is told | row closed as | why |',
    '|---|---|---|---|---|---|---|',
    ...FAILURE_MATRIX.map((c) => {
      const e = c.expected;
      const ends = e.status === 'SUCCEEDED' ? 'SUCCEEDED' : `FAILED (\`${e.error}\`)`;
      const told = e.told === 'clip' ? 'the clip, once' : `one failure message (${e.toldBy})`;
      return `| ${c.state} | ${c.kind} | ${c.attempt} | ${ends} | ${told} | \`${e.outcome}\` | ${cell(c.why, 120)} |`;
    }),
    '',
  ].join('\n');
}
