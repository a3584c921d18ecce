import { withFaithfulTypeTests } from './choice-rules.js';
import { ExecutionHistory, type HistoryState, type InterpreterEvent } from './execution-history.js';
import './promise-with-resolvers.js';
import { StateMachine } from 'aws-local-stepfunctions';

export type StepHandler = (input: unknown) => Promise<unknown>;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export interface LocalExecution {
  executionArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate: Date | undefined;
  output: unknown;
  error: string | undefined;
  cause: string | undefined;
  /** States entered, by name (Step Functions bills Standard workflows per state transition). */
  statesEntered: Record<string, number>;
  /** Its events as GetExecutionHistory answers them, recorded as it runs. */
  history: ExecutionHistory;
  /** Settles when the execution ends, never rejects. */
  done: Promise<LocalExecution>;
}

export interface LocalWorkflowOptions {
  /** The ASL, as synthesized from the CDK stack. */
  definition: Record<string, unknown>;
  /** Task state name → the step function that runs it (the Lambda handlers' cores). */
  handlers: Record<string, StepHandler>;
  /** Override every Wait state, in ms (tests run virtual time faster). Default: the definition's seconds. */
  waitMs?: number;
  /** Override every retry interval, in ms. Default: the definition's. */
  retryIntervalMs?: number;
  stateMachineArn?: string;
  /** The state machine's role (ExecutionStarted names it). */
  roleArn?: string;
  /** Told when an execution that ran ends, however it ended (Step Functions' status-change event). */
  onEnded?: (execution: LocalExecution) => void;
}

/**
 * The state machine definition run by aws-local-stepfunctions, with each Task bound to its step
 * handler by state name, and executions kept the way Step Functions keeps them: by name, so that
 * starting a name twice behaves as StartExecution does.
 */
export class LocalWorkflow {
  readonly stateMachineArn: string;
  private readonly machine: StateMachine;
  private readonly executions = new Map<string, LocalExecution>();
  private readonly aborts = new Map<string, () => void>();
  /**
   * Benchmarks of the ingress alone: executions are recorded as started (names, idempotency and
   * DescribeExecution as usual) but not run, as in AWS where they run on other machines.
   */
  holdExecutions = false;

  constructor(private readonly options: LocalWorkflowOptions) {
    this.stateMachineArn =
      options.stateMachineArn ?? 'arn:aws:states:us-east-1:000000000000:stateMachine:Clipbay';
    this.machine = new StateMachine(withFaithfulTypeTests(options.definition) as never, {
      validationOptions: { checkArn: false },
    });
  }

  private get states() {
    return (this.options.definition.States ?? {}) as Record<string, HistoryState & { Retry?: unknown[] }>;
  }

  /** The interpreter's overrides for one execution: its Task handlers record into its history. */
  private overrides(history: ExecutionHistory) {
    const states = this.states;
    const byType = (type: string) => Object.keys(states).filter((name) => states[name]!.Type === type);
    const each = (names: string[], value: number | undefined) =>
      value === undefined ? undefined : Object.fromEntries(names.map((name) => [name, value]));
    const handlers = Object.fromEntries(
      Object.entries(this.options.handlers).map(([name, handler]) => [name, history.task(name, handler)]),
    );
    return {
      taskResourceLocalHandlers: handlers as never,
      waitTimeOverrides: each(byType('Wait'), this.options.waitMs),
      retryIntervalOverrides: each(
        Object.keys(states).filter((name) => states[name]!.Retry),
        this.options.retryIntervalMs,
      ),
    };
  }

  /** Starts an execution, or throws `ExecutionAlreadyExists` as Step Functions does. */
  start(name: string, input: string): LocalExecution {
    const existing = this.executions.get(name);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw Object.assign(new Error(`Execution Already Exists: '${existing.executionArn}'`), {
        name: 'ExecutionAlreadyExists',
      });
    }
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    if (this.holdExecutions) return this.hold(name, executionArn, input);
    const execution = runningExecution(name, executionArn, input, this.newHistory());
    const run = this.machine.run(JSON.parse(input), {
      overrides: this.overrides(execution.history),
      context: {
        Execution: {
          Id: executionArn,
          Name: name,
          Input: JSON.parse(input),
          StartTime: new Date().toISOString(),
        },
      } as never,
    });
    const counted = (async () => {
      for await (const event of run.eventLogs) {
        execution.history.interpreterEvent(event as InterpreterEvent);
        if (event.type === 'StateEntered') {
          const name = (event as { state: { name: string } }).state.name;
          execution.statesEntered[name] = (execution.statesEntered[name] ?? 0) + 1;
        }
      }
    })().catch(() => undefined);
    const finished = run.result.then(
      (output) => Object.assign(execution, { status: 'SUCCEEDED', output, stopDate: new Date() }),
      (error: Error & { cause?: unknown }) => {
        const aborted = error.name === 'ExecutionAbortedError';
        const timedOut = error.name === 'ExecutionTimeoutError';
        const inner = error.cause as { name?: string; message?: string } | undefined;
        return Object.assign(execution, {
          status: aborted ? 'ABORTED' : timedOut ? 'TIMED_OUT' : 'FAILED',
          error: inner?.name ?? error.name,
          cause: inner?.message ?? error.message,
          stopDate: new Date(),
        });
      },
    );
    execution.done = finished.then(async (result) => {
      await counted;
      result.history.ended(result);
      this.options.onEnded?.(result);
      return result;
    });
    this.executions.set(name, execution);
    this.aborts.set(name, run.abort);
    return execution;
  }

  private hold(name: string, executionArn: string, input: string): LocalExecution {
    let release: () => void = () => undefined;
    const execution = runningExecution(name, executionArn, input, this.newHistory());
    execution.done = new Promise<void>((resolve) => (release = resolve)).then(() => {
      Object.assign(execution, { status: 'ABORTED' as const, stopDate: new Date() });
      execution.history.ended(execution);
      return execution;
    });
    this.executions.set(name, execution);
    this.aborts.set(name, release);
    return execution;
  }

  private newHistory(): ExecutionHistory {
    return new ExecutionHistory({
      states: this.states,
      region: this.stateMachineArn.split(':')[3] ?? 'us-east-1',
      roleArn: this.options.roleArn,
    });
  }

  describe(executionArn: string): LocalExecution | undefined {
    return [...this.executions.values()].find((e) => e.executionArn === executionArn);
  }

  list(): LocalExecution[] {
    return [...this.executions.values()];
  }

  stop(executionArn: string): LocalExecution | undefined {
    const execution = this.describe(executionArn);
    if (execution?.status === 'RUNNING') this.aborts.get(execution.name)?.();
    return execution;
  }

  /** Waits for every running execution to end. */
  async settle(): Promise<void> {
    await Promise.all([...this.executions.values()].map((e) => e.done));
  }

  stopAll(): void {
    for (const e of this.executions.values()) if (e.status === 'RUNNING') this.aborts.get(e.name)?.();
  }
}

/** A new execution's record, RUNNING, its history started; `done` is set by whoever runs (or holds) it. */
function runningExecution(
  name: string,
  executionArn: string,
  input: string,
  history: ExecutionHistory,
): LocalExecution {
  const startDate = new Date();
  history.started(input, startDate);
  return {
    executionArn,
    name,
    input,
    status: 'RUNNING',
    startDate,
    stopDate: undefined,
    output: undefined,
    error: undefined,
    cause: undefined,
    statesEntered: {},
    history,
    done: undefined as unknown as Promise<LocalExecution>,
  };
}
