import { availableParallelism } from 'node:os';
import { ConcurrencyQuota } from './concurrency-quota.js';
import type { FaultPlan } from './fault-plan.js';
import { LambdaContainer, LambdaInvokeError, type ContainerSpec } from './lambda-container.js';

export interface InvocationStats {
  invocations: number;
  coldStarts: number;
  /** The longest an invocation waited for a free environment (not counted by its timeout). */
  maxQueuedMs: number;
  /** Time the account's event loop was held by starting environments' processes (fork is synchronous). */
  forkMs: number;
}

/**
 * Execution environments per function, unless the account is told otherwise: one more than this
 * machine's cores. In AWS every environment has CPU of its own; here each is a process on the same
 * cores as the account's services (API Gateway, Step Functions, the AWS endpoint: the main
 * process), so environments beyond the cores add no throughput, only cold starts. Measured with a
 * burst of 200 commands on 2 loaded cores at 10 per function: about 60 processes started at once,
 * each costing 0.3–0.5 s of CPU to load its bundle and as much again on its first invocation, and
 * each fork held the account's event loop for 0.3 s (up to 1 s): 19 s of it blocked while the acks
 * were due, ingress invocations near their 10 s timeout, and TokenBay's answers so late that
 * submits failed as maybe-sent. With 3 per function: 12 to 18 forks (about 1 s held), and every ack
 * answered within 11 s, most of it queued for an environment.
 */
export const DEFAULT_MAX_CONCURRENCY = Math.min(10, availableParallelism() + 1);

/**
 * A function of the template with its pool of execution environments: an idle container is
 * reused (warm), a new one is started when all are busy (cold), up to `maxConcurrency`; beyond
 * that, invocations wait their turn for a process. That cap is this machine's, not AWS's: in AWS
 * each would have an environment of its own. AWS's own limit is the concurrency quota, enforced
 * first: an invocation over it is refused with `TooManyRequestsException`, as Lambda does. As in
 * Lambda, an invocation's timeout counts from when it starts in an environment.
 */
export class LambdaFunction {
  private readonly containers: LambdaContainer[] = [];
  private readonly waiting: (() => void)[] = [];
  readonly stats: InvocationStats = { invocations: 0, coldStarts: 0, maxQueuedMs: 0, forkMs: 0 };

  constructor(
    readonly logicalId: string,
    readonly roleArn: string,
    readonly spec: ContainerSpec,
    private readonly maxConcurrency = DEFAULT_MAX_CONCURRENCY,
    /** Faults tests plan for a run's invocations, applied as Lambda would report them. */
    private readonly faults?: FaultPlan,
    /** The concurrency this invocation counts against: the account's, or the function's reserved. */
    readonly quota: ConcurrencyQuota = new ConcurrencyQuota(1000),
  ) {}

  get functionArn(): string {
    return this.spec.functionArn;
  }

  async invoke(event: unknown): Promise<unknown> {
    // A throttled invocation never reached the function: it is not one of the run's invocations
    // that a planned fault counts.
    if (!this.quota.tryAcquire())
      throw new LambdaInvokeError('Lambda.TooManyRequestsException', 'Rate Exceeded.');
    const fault = this.faults?.next(this.logicalId, event);
    if (fault?.kind === 'throttle') {
      this.quota.release();
      throw new LambdaInvokeError('Lambda.TooManyRequestsException', 'Rate Exceeded.');
    }
    try {
      return await this.invokeWithin(event, fault);
    } finally {
      this.quota.release();
    }
  }

  private async invokeWithin(event: unknown, fault: ReturnType<FaultPlan['next']>): Promise<unknown> {
    if (fault?.kind === 'error')
      throw new LambdaInvokeError(fault.errorType, fault.message ?? `${fault.errorType} (a planned fault)`);
    if (fault?.kind === 'returns') return fault.value;
    const queuedAt = performance.now();
    const container = await this.acquire();
    this.stats.maxQueuedMs = Math.max(this.stats.maxQueuedMs, performance.now() - queuedAt);
    this.stats.invocations++;
    const coldBefore = container.coldStarts;
    const forkBefore = container.forkMs;
    try {
      if (fault?.kind === 'crash' || fault?.kind === 'timeout') return await container.fail(fault.kind);
      if (fault?.kind === 'crash-after') {
        await container.invoke(event).catch(() => undefined);
        return await container.fail('crash');
      }
      if (fault?.kind === 'reset-after-freeze')
        try {
          return await container.invoke(event, { dropConnections: true });
        } finally {
          this.faults?.recordResetAfterFreeze(this.logicalId, event, container.lastNetwork);
        }
      return await container.invoke(event);
    } finally {
      this.stats.coldStarts += container.coldStarts - coldBefore;
      this.stats.forkMs += container.forkMs - forkBefore;
      container.busy = false;
      this.waiting.shift()?.();
    }
  }

  private async acquire(): Promise<LambdaContainer> {
    for (;;) {
      for (let i = this.containers.length - 1; i >= 0; i--)
        if (!this.containers[i]!.alive) this.containers.splice(i, 1);
      const idle = this.containers.find((c) => !c.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.containers.length < this.maxConcurrency) {
        const fresh = new LambdaContainer(this.spec);
        fresh.busy = true;
        this.containers.push(fresh);
        return fresh;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** Process ids of the live containers (tests kill them to show a crash is survived). */
  pids(): number[] {
    return this.containers.filter((c) => c.alive && c.pid !== undefined).map((c) => c.pid!);
  }

  stop(): void {
    for (const c of this.containers) c.kill();
    this.containers.length = 0;
  }
}
