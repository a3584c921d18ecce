/** How long clipbay waits for a task: one rule for the state machine and the CLI. */
export interface Deadlines {
  generationTimeoutSeconds: number;
  editTimeoutSeconds: number;
}

/**
 * The deadline for a task, by TokenBay's own `action`: `generate` gets the generation deadline,
 * anything else (video editing) the editing one. Before the first answer, when the action is not
 * known yet, the longer one applies.
 */
export function deadlineFor(action: string | undefined, deadlines: Deadlines): number {
  if (action === undefined) return Math.max(deadlines.generationTimeoutSeconds, deadlines.editTimeoutSeconds);
  return action === 'generate' ? deadlines.generationTimeoutSeconds : deadlines.editTimeoutSeconds;
}
