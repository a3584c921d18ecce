import { UsageError } from '../errors.js';

/** Collects what is wrong with a command, so the user can fix everything in one go. */
/** The line above a list of several problems. */
export const PROBLEMS_HEADING = 'Please fix:';

export class Problems {
  private readonly list: string[] = [];

  add(problem: string | undefined): void {
    if (problem) this.list.push(problem);
  }

  get count(): number {
    return this.list.length;
  }

  /** Throws one `UsageError` naming every problem found, if any. */
  throwIfAny(): void {
    if (this.list.length === 0) return;
    throw new UsageError(
      this.list.length === 1
        ? this.list[0]!
        : `${PROBLEMS_HEADING}\n${this.list.map((p) => `• ${p}`).join('\n')}`,
    );
  }
}
