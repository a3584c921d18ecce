import type { Prompter } from './answers.js';
import { OperatorError } from './operator-error.js';
import { terminalPrompter } from './terminal-prompter.js';

/** What an operator command runs with: its arguments, environment, a person (or none), and output. */
export interface OperatorIo {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** A person at a terminal, or none (CI, scripts, tests without one). */
  prompter?: Prompter | undefined;
  out: (line: string) => void;
}

/** Runs an operator command as a process: prints an OperatorError's message and fix, and exits. */
export async function runAsProcess(run: (io: OperatorIo) => Promise<number>): Promise<void> {
  try {
    process.exitCode = await run({
      argv: process.argv.slice(2),
      env: process.env,
      prompter: await terminalPrompter(),
      out: (line) => process.stdout.write(`${line}\n`),
    });
  } catch (error) {
    if (error instanceof OperatorError) console.error(`✗ ${error.message}\n  → ${error.fix}`);
    else if ((error as Error).name === 'ExitPromptError') console.error('Stopped; nothing more was written.');
    else console.error(`✗ ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
