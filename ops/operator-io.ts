import { pathToFileURL } from 'node:url';
import type { Prompter } from './answers.js';
import { asOperatorError } from './operator-error.js';
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
    if ((error as Error).name === 'ExitPromptError') console.error('Stopped; nothing more was written.');
    else {
      const { message, fix } = asOperatorError(error);
      console.error(`✗ ${message}\n  → ${fix}`);
    }
    process.exitCode = 1;
  }
}

/** Whether this module is the process's entry (`tsx ops/connect.ts`), with any path, spaces included. */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
}
