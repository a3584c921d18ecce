/**
 * What stops `connect` or `doctor`: what is wrong, and the exact thing to do about it. The commands
 * print both and exit non-zero; a secret is never part of either.
 */
export class OperatorError extends Error {
  override readonly name = 'OperatorError';

  constructor(
    message: string,
    /** The fix, as a command or a place to click. */
    readonly fix: string,
  ) {
    super(message);
  }
}

/** Any error as what to say and what to do: an OperatorError as it is, anything else with a generic fix. */
export function asOperatorError(error: unknown): OperatorError {
  if (error instanceof OperatorError) return error;
  const name = (error as Error | undefined)?.name ?? 'Error';
  const message = (error as Error | undefined)?.message ?? String(error);
  return new OperatorError(
    `${name}: ${message}`,
    'Run this again; if it keeps failing, check the network and the credentials it names.',
  );
}
