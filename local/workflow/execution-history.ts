import './promise-with-resolvers.js';

/**
 * One event of an execution's history, in the shape GetExecutionHistory answers (the timestamp a
 * Date here, epoch seconds on the wire). https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */
export interface HistoryEvent {
  id: number;
  /** The event before it: events here happen one after another (no Parallel or Map state runs). */
  previousEventId: number;
  timestamp: Date;
  type: string;
  /** The member AWS puts this type's details in (`executionFailedEventDetails`…), and its value. */
  details?: { member: string; value: Record<string, unknown> };
}

/** What the history reads of a state of the definition. */
export interface HistoryState {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  HeartbeatSeconds?: number;
}

/** aws-local-stepfunctions' own event (its `eventLogs`), as far as the history reads it. */
export interface InterpreterEvent {
  type: string;
  timestamp: number;
  state?: { name: string; type: string; input: unknown; output?: unknown };
  Error?: string;
  Cause?: unknown;
}

/** How the execution ended, as DescribeExecution tells it. */
export interface ExecutionEnd {
  status: 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT' | 'RUNNING';
  stopDate: Date | undefined;
  output: unknown;
  error: string | undefined;
  cause: string | undefined;
}

type Handler = (input: unknown) => Promise<unknown>;

/** A Task attempt's turn: taken by its handler once the interpreter's event that began it is recorded. */
interface Turn {
  promise: Promise<void>;
  resolve: () => void;
  begun: boolean;
}

/**
 * The history of one execution, recorded as it runs: ExecutionStarted, each state entered and
 * exited (`TaskStateEntered`, `ChoiceStateExited`…), each Task's function invocation
 * (`LambdaFunctionScheduled`, `…Started`, `…Succeeded`, `…Failed`, `…TimedOut` for a Lambda ARN as
 * Resource; `TaskScheduled`… for an `arn:aws:states:::service:action` integration), and how it ended.
 *
 * The states come from the interpreter's event log, which is read asynchronously; the invocations
 * from the Task handlers, which the interpreter calls at once. So that an invocation is recorded
 * after its state's entry (or retry), each handler waits for its turn: the moment that entry is
 * recorded.
 */
export class ExecutionHistory {
  readonly events: HistoryEvent[] = [];
  private closed = false;
  private readonly turns = new Map<string, Turn>();
  /** The invocation in progress of each Task, until it or the interpreter ends it. */
  private readonly invocations = new Map<string, { running: boolean }>();

  constructor(
    private readonly definition: {
      states: Record<string, HistoryState>;
      region: string;
      /** The state machine's role, which ExecutionStarted names. */
      roleArn?: string | undefined;
    },
  ) {}

  started(input: string, at: Date): void {
    this.add('ExecutionStarted', at, {
      input,
      inputDetails: { truncated: false },
      ...(this.definition.roleArn ? { roleArn: this.definition.roleArn } : {}),
    });
  }

  /** Records what the interpreter reports of the states; ExecutionStarted and the end are recorded apart. */
  interpreterEvent(event: InterpreterEvent): void {
    const state = event.state;
    if (!state) return;
    const at = new Date(event.timestamp);
    const isTask = state.type === 'Task';
    switch (event.type) {
      case 'StateEntered':
        this.add(`${state.type}StateEntered`, at, {
          name: state.name,
          input: JSON.stringify(state.input),
          inputDetails: { truncated: false },
        });
        if (isTask) this.begin(state.name);
        return;
      case 'StateRetried':
        if (isTask) this.begin(state.name);
        return;
      case 'StateFailed':
        // A Task the interpreter gave up on while its function still ran: the state's timeout.
        if (isTask) {
          const invocation = this.invocations.get(state.name);
          if (invocation?.running) {
            invocation.running = false;
            const timedOut = event.Error === 'States.Timeout';
            this.add(this.invocationType(state.name, timedOut ? 'TimedOut' : 'Failed'), at, {
              ...this.resourceDetails(state.name),
              error: event.Error,
              cause: typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause ?? ''),
            });
          }
          this.endTurn(state.name);
        }
        return;
      case 'StateExited':
        this.add(`${state.type}StateExited`, at, {
          name: state.name,
          output: JSON.stringify(state.output ?? null),
          outputDetails: { truncated: false },
        });
        if (isTask) this.endTurn(state.name);
        return;
    }
  }

  /** The Task's handler, recording its invocation in order with the states. */
  task(stateName: string, handler: Handler): Handler {
    return async (input) => {
      await this.takeTurn(stateName);
      const invocation = { running: true };
      this.invocations.set(stateName, invocation);
      const state = this.definition.states[stateName];
      const now = () => new Date();
      const resource = this.resourceDetails(stateName);
      const timeout = state?.TimeoutSeconds === undefined ? {} : { timeoutInSeconds: state.TimeoutSeconds };
      this.add(
        this.invocationType(stateName, 'Scheduled'),
        now(),
        this.isLambdaArn(stateName)
          ? {
              resource: state!.Resource,
              input: JSON.stringify(input),
              inputDetails: { truncated: false },
              ...timeout,
            }
          : {
              ...resource,
              region: this.definition.region,
              parameters: JSON.stringify(input),
              ...timeout,
              ...(state?.HeartbeatSeconds === undefined
                ? {}
                : { heartbeatInSeconds: state.HeartbeatSeconds }),
            },
      );
      this.add(
        this.invocationType(stateName, 'Started'),
        now(),
        this.isLambdaArn(stateName) ? undefined : resource,
      );
      try {
        const output = await handler(input);
        if (invocation.running)
          this.add(this.invocationType(stateName, 'Succeeded'), now(), {
            ...resource,
            output: JSON.stringify(output ?? null),
            outputDetails: { truncated: false },
          });
        return output;
      } catch (error) {
        if (invocation.running)
          this.add(this.invocationType(stateName, 'Failed'), now(), {
            ...resource,
            error: (error as Error).name,
            cause: (error as Error).message,
          });
        throw error;
      } finally {
        invocation.running = false;
      }
    };
  }

  /** The last event: how the execution ended. Nothing is recorded after it. */
  ended(end: ExecutionEnd): void {
    const at = end.stopDate ?? new Date();
    if (end.status === 'SUCCEEDED')
      this.add('ExecutionSucceeded', at, {
        output: JSON.stringify(end.output ?? null),
        outputDetails: { truncated: false },
      });
    else if (end.status === 'FAILED')
      this.add('ExecutionFailed', at, {
        ...(end.error === undefined ? {} : { error: end.error }),
        ...(end.cause === undefined ? {} : { cause: end.cause }),
      });
    else if (end.status === 'TIMED_OUT') this.add('ExecutionTimedOut', at, { error: 'States.Timeout' });
    // StopExecution here takes no error or cause, so ExecutionAborted has no details.
    else if (end.status === 'ABORTED') this.add('ExecutionAborted', at, undefined);
    this.closed = true;
  }

  private add(type: string, timestamp: Date, details: Record<string, unknown> | undefined): void {
    if (this.closed) return;
    const previousEventId = this.events.at(-1)?.id ?? 0;
    this.events.push({
      id: previousEventId + 1,
      previousEventId,
      timestamp,
      type,
      ...(details ? { details: { member: detailsMember(type), value: details } } : {}),
    });
  }

  private isLambdaArn(stateName: string): boolean {
    return (this.definition.states[stateName]?.Resource ?? '').startsWith('arn:aws:lambda:');
  }

  /** `LambdaFunctionScheduled` for a Lambda ARN as Resource, else `TaskScheduled`. */
  private invocationType(stateName: string, phase: string): string {
    return `${this.isLambdaArn(stateName) ? 'LambdaFunction' : 'Task'}${phase}`;
  }

  /** An integration's events name its service and action; a Lambda ARN's name it only when scheduled. */
  private resourceDetails(stateName: string): Record<string, string> {
    const resource = this.definition.states[stateName]?.Resource ?? '';
    if (this.isLambdaArn(stateName)) return {};
    const [service = '', ...action] = resource.replace(/^arn:aws:states:::/, '').split(':');
    return { resourceType: service, resource: action.join(':') };
  }

  private turn(stateName: string): Turn {
    let turn = this.turns.get(stateName);
    if (!turn) {
      turn = { ...Promise.withResolvers<void>(), begun: false };
      this.turns.set(stateName, turn);
    }
    return turn;
  }

  /** The interpreter entered (or retried) the Task: its handler may record its invocation. */
  private begin(stateName: string): void {
    const waiting = this.turns.get(stateName);
    if (waiting?.begun) this.turns.delete(stateName); // one the handler never took
    const turn = this.turn(stateName);
    turn.begun = true;
    turn.resolve();
  }

  private async takeTurn(stateName: string): Promise<void> {
    const turn = this.turn(stateName);
    await turn.promise;
    if (this.turns.get(stateName) === turn) this.turns.delete(stateName);
  }

  private endTurn(stateName: string): void {
    if (this.turns.get(stateName)?.begun) this.turns.delete(stateName);
    this.invocations.delete(stateName);
  }
}

/**
 * The member holding a type's details: the states' entries and exits share
 * `stateEnteredEventDetails` and `stateExitedEventDetails`; every other type has its own
 * (`ExecutionFailed` → `executionFailedEventDetails`).
 */
function detailsMember(type: string): string {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return `${type[0]!.toLowerCase()}${type.slice(1)}EventDetails`;
}
