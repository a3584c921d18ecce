/**
 * `npm run doctor`: one line per check, ✔ or ✗, each ✗ with the exact fix; exits non-zero when any
 * check fails. Against the deployed stack, or `--local` against npm start's account.
 */
import { alarmChecks } from './alarm-states.js';
import { Answers } from './answers.js';
import { failed, renderCheck, type CheckResult } from './check-result.js';
import { parseCommandLine } from './command-line.js';
import { asOperatorError } from './operator-error.js';
import { isMain, runAsProcess, type OperatorIo } from './operator-io.js';
import { OPERATOR_PLATFORMS } from './operator-platforms.js';
import { openSession } from './operator-session.js';
import { recentExecutionsCheck } from './recent-executions.js';
import { tokenBayChecks } from './tokenbay-operator.js';

/** The flags doctor takes besides the shared ones: what lets a check run that otherwise cannot. */
const doctorFlags = () => [
  'tokenbay-base-url',
  ...Object.values(OPERATOR_PLATFORMS).flatMap((p) => p.questions.map((q) => q.flag)),
];

/** Runs every check; the exit status is 1 when any failed. */
export async function runDoctor(io: OperatorIo): Promise<number> {
  const command = parseCommandLine(io.argv, doctorFlags(), io.env);
  if (command.help) {
    io.out(
      [
        'npm run doctor [-- options]: check the stack and its connections, one line per check; exit 1 if any fails.',
        '',
        '  --local                 the stack npm start runs (its .clipbay/aws-config profile)',
        '  --region R, --stack-name N   where the stack is (default: the AWS SDK chain, Clipbay)',
        '  --only slack,discord    only these platforms (TokenBay, executions and alarms are always checked)',
        '  --tokenbay-base-url URL (TOKENBAY_BASE_URL; default: the stack output TokenBayBaseUrl)',
        '  --slack-config-token=… (SLACK_CONFIG_TOKEN): also read the Slack app’s request URLs',
        '  --guild=ID (DISCORD_GUILD_ID): check the commands in that server (default: where connect put them)',
      ].join('\n'),
    );
    return 0;
  }
  const env = {
    ...io.env,
    ...(command.flags['tokenbay-base-url'] ? { TOKENBAY_BASE_URL: command.flags['tokenbay-base-url'] } : {}),
  };
  // doctor never asks: every check runs on what the stack holds (and what the flags add).
  const answers = new Answers(command.flags, env);
  const session = await openSession({ ...command.session, env });
  io.out(`Stack ${session.stack.name} in ${session.target.label}`);
  const results: CheckResult[] = [];
  const report = (checks: CheckResult[]) => {
    for (const check of checks) io.out(renderCheck(check));
    results.push(...checks);
  };
  // A check that throws is a failed check with its reason: the others still run.
  const check = async (what: string, run: () => Promise<CheckResult[]>) => {
    try {
      report(await run());
    } catch (error) {
      const { message, fix } = asOperatorError(error);
      report([failed(what, message, fix)]);
    }
  };
  try {
    await check('TokenBay', () => tokenBayChecks(session.secrets, session.tokenBay));
    for (const platform of session.platforms) {
      if (command.only && !command.only.includes(platform.id)) continue;
      await check(platform.label, async () =>
        platform.operator.doctor(await platform.context(answers, () => undefined)),
      );
    }
    await check('Executions', async () => [
      await recentExecutionsCheck(session.target, session.stack.output('StateMachineArn')),
    ]);
    await check('Alarms', () => alarmChecks(session.target, session.stack.name));
  } finally {
    session.close();
  }
  const failures = results.filter((r) => r.state === 'failed').length;
  io.out(
    failures ? `\n${failures} of ${results.length} checks failed.` : `\nAll ${results.length} checks passed.`,
  );
  return failures ? 1 : 0;
}

if (isMain(import.meta.url)) await runAsProcess(runDoctor);
