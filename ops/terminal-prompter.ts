import type { Prompter, Question } from './answers.js';

/**
 * Prompts at a terminal through Inquirer (@inquirer/prompts): secrets are masked, and an answer with
 * a problem is asked again with the problem shown. Loaded only when stdin is a terminal.
 */
export async function terminalPrompter(): Promise<Prompter | undefined> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) return undefined;
  const { confirm, input, password } = await import('@inquirer/prompts');
  return {
    ask: (question: Question) => {
      const validate = (answer: string) =>
        !answer.trim() ? 'Needed.' : (question.problem?.(answer.trim()) ?? true);
      return question.secret
        ? password({ message: question.message, mask: '•', validate })
        : input({ message: question.message, validate });
    },
    confirm: (message, byDefault) => confirm({ message, default: byDefault }),
  };
}
