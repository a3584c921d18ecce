import { OperatorError } from './operator-error.js';

/** One thing `connect` may need from a person: a flag, an environment variable, or a prompt. */
export interface Question {
  /** The flag, without its dashes: `slack-bot-token`. */
  flag: string;
  /** The environment variable, the same name the configuration uses where there is one. */
  env: string;
  /** What to ask: "Slack bot token (xoxb-…)". */
  message: string;
  /** Typed with a mask, and never echoed. */
  secret?: boolean;
  /** An answer's problem, in a few words, or undefined when it is fine. */
  problem?: (answer: string) => string | undefined;
}

/** Asks a person at a terminal (see terminal-prompter.ts); absent when there is none (CI, scripts). */
export interface Prompter {
  ask(question: Question): Promise<string>;
  confirm(message: string, byDefault: boolean): Promise<boolean>;
}

/**
 * Where every answer comes from, in order: the flag, the environment variable, then a prompt when
 * a person is at the terminal. Without one, a missing answer is an error naming the flag and the
 * variable, so CI and scripts can give it.
 */
export class Answers {
  constructor(
    private readonly flags: Readonly<Record<string, string | undefined>>,
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly prompter?: Prompter,
  ) {}

  get interactive(): boolean {
    return this.prompter !== undefined;
  }

  /** The answer given without asking (flag or variable), checked. */
  given(question: Question): string | undefined {
    const answer = (this.flags[question.flag] ?? this.env[question.env])?.trim();
    if (!answer) return undefined;
    const problem = question.problem?.(answer);
    if (problem)
      throw new OperatorError(
        `${question.message}: the value given ${this.flags[question.flag] ? `with --${question.flag}` : `in ${question.env}`} ${problem}.`,
        `Give the right value with --${question.flag} or ${question.env}.`,
      );
    return answer;
  }

  /** The answer, asking for it when it was not given and a person is there. */
  async need(question: Question): Promise<string> {
    const given = this.given(question);
    if (given) return given;
    if (!this.prompter)
      throw new OperatorError(
        `${question.message} is needed.`,
        `Pass --${question.flag}=… or set ${question.env} (no terminal to ask at).`,
      );
    return (await this.prompter.ask(question)).trim();
  }

  /** A yes/no: asked at a terminal, else the default. */
  async confirm(message: string, byDefault: boolean): Promise<boolean> {
    return this.prompter ? this.prompter.confirm(message, byDefault) : byDefault;
  }
}
