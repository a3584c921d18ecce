/**
 * `npm run connect`: after `npm run deploy`, connects the stack to TokenBay, Slack and Discord.
 * It finds the stack's outputs with DescribeStacks, asks only for what it cannot find (flags and
 * variables answer instead of a person), checks each credential with the service that issued it,
 * and writes each secret once, whole, and only when it differs. `--local` works against npm start.
 */
import { PLATFORMS } from '@clipbay/platforms';
import { Answers } from './answers.js';
import { parseCommandLine } from './command-line.js';
import { asOperatorError } from './operator-error.js';
import { OPERATOR_PLATFORMS } from './operator-platforms.js';
import { openSession } from './operator-session.js';
import { isMain, runAsProcess, type OperatorIo } from './operator-io.js';
import { connectTokenBay, TOKENBAY_KEY } from './tokenbay-operator.js';

/** Every answer flag: TokenBay's and each platform's. */
const answerQuestions = () => [
  TOKENBAY_KEY,
  ...Object.values(OPERATOR_PLATFORMS).flatMap((p) => p.questions),
];

/** Runs `connect`; the exit status (0: every part asked for is connected). */
export async function runConnect(io: OperatorIo): Promise<number> {
  const questions = answerQuestions();
  const command = parseCommandLine(io.argv, ['tokenbay-base-url', ...questions.map((q) => q.flag)], io.env);
  if (command.help) {
    io.out(connectHelp(questions));
    return 0;
  }
  const env = {
    ...io.env,
    ...(command.flags['tokenbay-base-url'] ? { TOKENBAY_BASE_URL: command.flags['tokenbay-base-url'] } : {}),
  };
  const answers = new Answers(command.flags, env, io.prompter);
  const session = await openSession({ ...command.session, env });
  io.out(`Stack ${session.stack.name} in ${session.target.label}`);
  const todo: string[] = [];
  const outcome: string[] = [];
  let failures = 0;
  /** One part: connected (with what is left to do), skipped (with why), or failed (with the fix). */
  const part = async (name: string, work: () => Promise<string[] | { skipped: string } | void>) => {
    try {
      const done = await work();
      if (done && 'skipped' in done) outcome.push(`– ${name}: skipped (${done.skipped})`);
      else {
        todo.push(...(done ?? []));
        outcome.push(`✔ ${name}`);
      }
    } catch (error) {
      // One part failing never stops the others; whatever it was, it is reported with a fix.
      const { message, fix } = asOperatorError(error);
      failures++;
      outcome.push(`✗ ${name}: ${message}\n    → ${fix}`);
    }
  };
  const say = (prefix: string) => (line: string) => io.out(`  ${prefix}: ${line}`);
  try {
    const wants = (name: string) => !command.only || command.only.includes(name);
    if (wants('tokenbay'))
      await part('TokenBay', () =>
        connectTokenBay(answers, session.secrets, session.tokenBay, say('TokenBay')),
      );
    for (const platform of session.platforms) {
      if (!wants(platform.id)) continue;
      const required = PLATFORMS.find((p) => p.id === platform.id)!.secret.required;
      await part(platform.label, async () => {
        const context = await platform.context(answers, say(platform.label));
        const connected = Boolean(context.current?.[required]?.trim());
        const go =
          platform.operator.wanted(answers) ||
          connected ||
          (answers.interactive && (await answers.confirm(`Connect ${platform.label}?`, true)));
        if (!go)
          return {
            skipped: `give ${platform.operator.questions.map((q) => `--${q.flag}`).join(' / ')} to connect it`,
          };
        return platform.operator.connect(context);
      });
    }
  } finally {
    session.close();
  }
  io.out('');
  for (const line of outcome) io.out(line);
  if (todo.length) {
    io.out('\nStill to do:');
    for (const line of todo) io.out(`  • ${line}`);
  }
  if (!failures)
    io.out('\nThen type /video a corgi surfing at sunset in a channel. `npm run doctor` checks everything.');
  return failures ? 1 : 0;
}

function connectHelp(questions: ReturnType<typeof answerQuestions>): string {
  return [
    'npm run connect [-- options]: connect the deployed stack to TokenBay, Slack and Discord.',
    '',
    '  --local                 the stack npm start runs (its .clipbay/aws-config profile)',
    '  --region R, --stack-name N   where the stack is (default: the AWS SDK chain, Clipbay)',
    '  --only tokenbay,slack,discord   only these parts',
    '  --tokenbay-base-url URL (TOKENBAY_BASE_URL)',
    ...questions.map((q) => `  --${q.flag}=… (${q.env}): ${q.message}`),
    '',
    'Anything not given is asked for at a terminal; without one, it must be given.',
  ].join('\n');
}

if (isMain(import.meta.url)) await runAsProcess(runConnect);
