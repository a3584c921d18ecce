import type { Answers } from './answers.js';
import type { CheckResult } from './check-result.js';
import type { SecretFields, SecretStore } from './secret-store.js';

/** What a platform's `connect` and `doctor` steps are given: the stack, its secret, the answers. */
export interface OperatorContext {
  /** The platform's route on the stack's HTTP API (its stack output). */
  requestUrl: string;
  /** The platform's secret in Secrets Manager, by name. */
  secretId: string;
  /** What the secret holds now (undefined: not filled, or not JSON). */
  current: SecretFields | undefined;
  secrets: SecretStore;
  answers: Answers;
  /** The environment, for the platform's own settings (its API's URL, a guild id). */
  env: Readonly<Record<string, string | undefined>>;
  /** A progress line for the person running it. Never a secret. */
  say: (line: string) => void;
}

/**
 * A chat platform's part of `npm run connect` and `npm run doctor`, kept with the platform's other
 * code in bots/<platform>/ and listed in ops/operator-platforms.ts.
 */
export interface OperatorPlatform {
  /** The answers it may need, as flags and variables (for `--help`). */
  readonly questions: readonly { flag: string; env: string; message: string }[];
  /** Whether anything was given for it without asking (so a script connects only what it names). */
  wanted(answers: Answers): boolean;
  /** Sets the platform up for the stack; returns what the person must still do (an install link). */
  connect(context: OperatorContext): Promise<string[]>;
  /** Checks the platform's side; each failure with its fix. */
  doctor(context: OperatorContext): Promise<CheckResult[]>;
}
