import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { LOCAL_PROFILE_FILE } from './aws-target.js';
import { OperatorError } from './operator-error.js';
import type { SessionOptions } from './operator-session.js';

/** The options `connect` and `doctor` share, and every answer flag (`--slack-bot-token=…`). */
export interface CommandLine {
  session: SessionOptions;
  /** Answer flags by name, without dashes. */
  flags: Record<string, string | undefined>;
  /** `--only=slack,tokenbay`: the parts to work on (default: all). */
  only: string[] | undefined;
  help: boolean;
}

/**
 * Parses `npm run connect|doctor -- …`. Every answer flag is `--name=value` (or `--name value`);
 * `--local` works against `npm start`'s account through the profile it wrote in CLIPBAY_DATA_DIR.
 */
export function parseCommandLine(
  argv: readonly string[],
  answerFlags: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CommandLine {
  const options = {
    local: { type: 'boolean' },
    region: { type: 'string' },
    'stack-name': { type: 'string' },
    only: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    ...Object.fromEntries(answerFlags.map((flag) => [flag, { type: 'string' as const }])),
  } as const;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], strict: true, options }));
  } catch (error) {
    // Node's message quotes the argument, which may be a token pasted in the wrong place.
    const code = (error as { code?: string }).code;
    throw new OperatorError(
      code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
        ? 'An argument without a flag was given (not shown, in case it is a secret).'
        : code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
          ? `Unknown option ${/'(-[^']*)'/.exec((error as Error).message)?.[1] ?? ''}.`.replace(' .', '.')
          : 'A flag is missing its value, or has one it does not take.',
      'Give each value as --flag=value; --help lists the flags.',
    );
  }
  const given = values as Record<string, unknown>;
  const flags = Object.fromEntries(
    answerFlags.map((flag) => [flag, typeof given[flag] === 'string' ? (given[flag] as string) : undefined]),
  );
  return {
    session: {
      ...(values.local ? { localProfile: join(env.CLIPBAY_DATA_DIR ?? '.clipbay', LOCAL_PROFILE_FILE) } : {}),
      ...(values.region ? { region: values.region as string } : {}),
      ...(values['stack-name'] ? { stackName: values['stack-name'] as string } : {}),
      env,
    },
    flags,
    only:
      typeof values.only === 'string'
        ? values.only.split(',').map((part) => part.trim().toLowerCase())
        : undefined,
    help: values.help === true,
  };
}
