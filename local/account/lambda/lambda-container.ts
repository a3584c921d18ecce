import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const HOST = fileURLToPath(new URL('./runtime-host.cjs', import.meta.url));

/** What the Lambda service says when an invocation fails, as Step Functions and callers see it. */
export class LambdaInvokeError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    // Step Functions' Retry and Catch match on the error's name.
    this.name = errorType;
  }
}

export interface ContainerSpec {
  functionName: string;
  functionArn: string;
  /** Where the function's code was unpacked. */
  codeDir: string;
  handler: string;
  env: Record<string, string>;
  memoryMb: number;
  timeoutSeconds: number;
  /**
   * Freeze the process between invocations (SIGSTOP, SIGCONT when the next one comes), as Lambda
   * freezes an execution environment: its timers stop, and peers may close its idle connections.
   */
  freezeBetweenInvocations?: boolean;
  onLog: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** What the environment's network path did to its connections during one invocation. */
export interface NetworkEffect {
  /** Connections that outlived the freeze and were forgotten by the path. */
  dropped: number;
  /** Those that then took a request's bytes and answered with a reset. */
  reset: number;
}

export interface InvokeOptions {
  /**
   * The network path forgot every connection the environment kept open while it was frozen: the
   * next bytes on each are answered with a reset (the runtime host reports ECONNRESET).
   */
  dropConnections?: boolean;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

/**
 * One execution environment: a long-lived child process running the function's bundle. It runs
 * one invocation at a time; it is thrown away when it crashes, fails to initialise, or runs past
 * the function's timeout, as Lambda does.
 */
export class LambdaContainer {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private pending: { id: string; entry: Pending } | undefined;
  /** False once the process is gone: the pool makes a new container (a cold start). */
  alive = true;
  /** Stopped between invocations (SIGSTOP), as Lambda freezes an environment. */
  private frozen = false;
  busy = false;
  coldStarts = 0;
  /** How long starting the process held the caller's event loop (fork is synchronous). */
  forkMs = 0;
  /** What the network path did during the last invocation that answered. */
  lastNetwork: NetworkEffect = { dropped: 0, reset: 0 };

  constructor(private readonly spec: ContainerSpec) {}

  private start(): Promise<void> {
    return (this.ready ??= new Promise<void>((resolve, reject) => {
      this.coldStarts++;
      const forking = performance.now();
      const child = fork(HOST, [], {
        cwd: this.spec.codeDir,
        env: {
          ...this.spec.env,
          _HANDLER: this.spec.handler,
          LAMBDA_TASK_ROOT: this.spec.codeDir,
          AWS_LAMBDA_FUNCTION_NAME: this.spec.functionName,
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.spec.memoryMb),
          AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        },
        execArgv: [`--max-old-space-size=${Math.max(64, Math.floor(this.spec.memoryMb * 0.85))}`],
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'advanced',
      });
      this.forkMs += performance.now() - forking;
      this.child = child;
      child.on('error', () => this.kill());
      for (const stream of ['stdout', 'stderr'] as const) {
        let buffered = '';
        child[stream]!.setEncoding('utf8').on('data', (chunk: string) => {
          buffered += chunk;
          const lines = buffered.split('\n');
          buffered = lines.pop()!;
          for (const line of lines) if (line.trim()) this.spec.onLog(line, stream);
        });
      }
      child.on(
        'message',
        (
          message: { type: string; requestId?: string; network?: NetworkEffect } & Record<string, unknown>,
        ) => {
          if (message.type === 'ready') resolve();
          else if (message.type === 'init-error')
            reject(new LambdaInvokeError(String(message.errorType), String(message.errorMessage)));
          else if (message.type === 'result' && this.pending && this.pending.id === message.requestId) {
            const { entry } = this.pending;
            this.pending = undefined;
            this.lastNetwork = message.network ?? { dropped: 0, reset: 0 };
            clearTimeout(entry.timer);
            this.freeze();
            if (message.ok) entry.resolve(message.result);
            else entry.reject(new LambdaInvokeError(String(message.errorType), String(message.errorMessage)));
          }
        },
      );
      child.on('exit', (code, signal) => {
        this.alive = false;
        const error = new LambdaInvokeError(
          'Runtime.ExitError',
          `RequestId: ${this.pending?.id ?? '-'} Error: Runtime exited with error: ${signal ?? `exit status ${code}`}`,
        );
        reject(error);
        if (this.pending) {
          clearTimeout(this.pending.entry.timer);
          this.pending.entry.reject(error);
          this.pending = undefined;
        }
      });
    }));
  }

  /** Runs one invocation; the caller (the pool) never sends two at once. */
  async invoke(event: unknown, options: InvokeOptions = {}): Promise<unknown> {
    await this.start();
    this.thaw();
    this.lastNetwork = { dropped: 0, reset: 0 };
    const requestId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(
          new LambdaInvokeError(
            'Sandbox.Timedout',
            `RequestId: ${requestId} Error: Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`,
          ),
        );
        this.kill();
      }, this.spec.timeoutSeconds * 1000);
      this.pending = { id: requestId, entry: { resolve, reject, timer } };
      // A container that died between invocations fails this one as Lambda would (the exit handler
      // rejects it); the send error itself is not an unhandled 'error' event.
      this.child!.send(
        {
          type: 'invoke',
          requestId,
          event,
          functionArn: this.spec.functionArn,
          timeoutMs: this.spec.timeoutSeconds * 1000,
          dropConnections: options.dropConnections === true,
        },
        (error) => {
          if (error) this.kill();
        },
      );
    });
  }

  /**
   * The environment dies as the invocation arrives (`crash`: Runtime.ExitError), or the invocation
   * runs out its time (`timeout`: Sandbox.Timedout, without waiting for it); either way the process
   * is killed, as Lambda does, and the next invocation starts cold.
   */
  async fail(kind: 'crash' | 'timeout'): Promise<never> {
    await this.start();
    const requestId = randomUUID();
    this.kill();
    throw kind === 'crash'
      ? new LambdaInvokeError(
          'Runtime.ExitError',
          `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`,
        )
      : new LambdaInvokeError(
          'Sandbox.Timedout',
          `RequestId: ${requestId} Error: Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`,
        );
  }

  private freeze(): void {
    if (!this.spec.freezeBetweenInvocations || !this.alive || !this.child?.pid) return;
    this.frozen = this.child.kill('SIGSTOP');
  }

  private thaw(): void {
    if (this.frozen && this.alive) this.child?.kill('SIGCONT');
    this.frozen = false;
  }

  kill(): void {
    this.alive = false;
    this.child?.kill('SIGKILL');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }
}
