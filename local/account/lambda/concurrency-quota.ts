/**
 * Lambda's concurrency quota: how many invocations may be in flight at once, across the account's
 * functions that reserve none. An invocation over it is refused at once with
 * `TooManyRequestsException` (Step Functions sees `Lambda.TooManyRequestsException`; API Gateway
 * answers 500). https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html
 *
 * AWS's default quota is 1,000 a Region; new accounts start with a reduced one (AWS does not say
 * how low) that grows with use. The local account defaults to 10, a new account's kind of quota,
 * so throttling shows up here before it does in production.
 */
export const NEW_ACCOUNT_CONCURRENCY = 10;

export class ConcurrencyQuota {
  private inFlight = 0;
  /** Invocations refused so far (tests and the banner read it). */
  throttled = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`A concurrency quota must be a whole number of at least 1 (got ${limit}).`);
  }

  /** Takes one slot for an invocation; false (and counted) when all are in use. */
  tryAcquire(): boolean {
    if (this.inFlight >= this.limit) {
      this.throttled++;
      return false;
    }
    this.inFlight++;
    return true;
  }

  release(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  get active(): number {
    return this.inFlight;
  }
}
