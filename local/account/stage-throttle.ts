/**
 * API Gateway's throttle of an HTTP API stage: a token bucket holding up to `burst` requests,
 * refilled at `rate` a second. A request that finds it empty is answered
 * `429 {"message":"Too Many Requests"}` before any Lambda runs.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
 */
export class StageThrottle {
  private tokens: number;
  private last: number;

  constructor(
    readonly burst: number,
    readonly rate: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(burst >= 0) || !(rate >= 0))
      throw new Error(`Invalid stage throttle: burst ${burst}, rate ${rate}.`);
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one request's token; false when the bucket is empty (the request gets 429). */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * API Gateway's account-level throttle in a Region, which applies when a stage sets none
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html): 10,000 requests a
 * second with a burst of 5,000.
 */
export const ACCOUNT_THROTTLE = { burst: 5000, rate: 10_000 } as const;
