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
