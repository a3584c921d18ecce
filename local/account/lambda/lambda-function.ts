import { LambdaContainer, type ContainerSpec } from './lambda-container.js';

export interface InvocationStats {
  invocations: number;
  coldStarts: number;
}

/**
 * A function of the template with its pool of execution environments: an idle container is
 * reused (warm), a new one is started when all are busy (cold), up to `maxConcurrency`; beyond
 * that, invocations wait their turn (Lambda would throttle; locally they queue).
 */
export class LambdaFunction {
  private readonly containers: LambdaContainer[] = [];
  private readonly waiting: (() => void)[] = [];
  readonly stats: InvocationStats = { invocations: 0, coldStarts: 0 };

  constructor(
    readonly logicalId: string,
    readonly roleArn: string,
    readonly spec: ContainerSpec,
    private readonly maxConcurrency = 10,
  ) {}

  get functionArn(): string {
    return this.spec.functionArn;
  }

  async invoke(event: unknown): Promise<unknown> {
    const container = await this.acquire();
    this.stats.invocations++;
    const coldBefore = container.coldStarts;
    try {
      return await container.invoke(event);
    } finally {
      this.stats.coldStarts += container.coldStarts - coldBefore;
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
