import { randomUUID } from 'node:crypto';
import type { AccountIam } from '../account-iam.js';
import { AwsServiceError } from '../account-errors.js';
import type { Principal } from '../principals.js';
import { executionHistoryPage } from './execution-history-page.js';
import type { LocalExecution, LocalWorkflow } from '../../workflow/local-workflow.js';

/** Characters Step Functions refuses in execution names (besides whitespace and control characters). */
// eslint-disable-next-line no-control-regex -- Step Functions refuses control characters.
const FORBIDDEN_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

/**
 * The Step Functions API (JSON 1.0) for the synthesized state machine: StartExecution (its name
 * rules and idempotency), DescribeExecution, StopExecution, ListExecutions and GetExecutionHistory,
 * each checked against the caller's role.
 */
export class StepFunctionsService {
  /** Fault injection: the next N StartExecution calls are throttled. */
  throttleNext = 0;

  constructor(
    private readonly workflow: LocalWorkflow,
    private readonly iam: AccountIam,
  ) {}

  handle(operation: string, body: Record<string, unknown>, principal: Principal): unknown {
    const machine = this.workflow.stateMachineArn;
    const action = `states:${operation}`;
    switch (operation) {
      case 'StartExecution': {
        const arn = String(body.stateMachineArn ?? '');
        this.iam.authorize(principal, { action, resource: arn });
        if (arn !== machine)
          throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
        if (this.throttleNext > 0) {
          this.throttleNext--;
          throw new AwsServiceError('ThrottlingException', 'Rate exceeded');
        }
        const name = typeof body.name === 'string' ? body.name : randomUUID();
        if (name.length < 1 || name.length > 80 || FORBIDDEN_NAME.test(name))
          throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
        const input = typeof body.input === 'string' ? body.input : '{}';
        try {
          JSON.parse(input);
        } catch {
          throw new AwsServiceError(
            'InvalidExecutionInput',
            'Invalid State Machine Execution Input: not JSON.',
          );
        }
        try {
          const execution = this.workflow.start(name, input);
          return { executionArn: execution.executionArn, startDate: seconds(execution.startDate) };
        } catch (error) {
          if ((error as Error).name === 'ExecutionAlreadyExists')
            throw new AwsServiceError('ExecutionAlreadyExists', (error as Error).message);
          throw error;
        }
      }
      case 'DescribeExecution':
      case 'StopExecution': {
        const arn = String(body.executionArn ?? '');
        this.iam.authorize(principal, { action, resource: arn });
        const execution =
          operation === 'StopExecution' ? this.workflow.stop(arn) : this.workflow.describe(arn);
        if (!execution)
          throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
        return operation === 'StopExecution'
          ? { stopDate: seconds(new Date()) }
          : describe(execution, machine);
      }
      case 'GetExecutionHistory': {
        const arn = String(body.executionArn ?? '');
        this.iam.authorize(principal, { action, resource: arn });
        const execution = this.workflow.describe(arn);
        if (!execution)
          throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
        return executionHistoryPage(arn, execution.history.events, body);
      }
      case 'ListExecutions':
        this.iam.authorize(principal, { action, resource: String(body.stateMachineArn ?? '') });
        return { executions: this.workflow.list().map((e) => describe(e, machine)) };
      default:
        throw new AwsServiceError('UnknownOperationException', `${operation} is not supported locally.`);
    }
  }
}

function describe(e: LocalExecution, stateMachineArn: string) {
  return {
    executionArn: e.executionArn,
    stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: seconds(e.startDate),
    ...(e.stopDate ? { stopDate: seconds(e.stopDate) } : {}),
    input: e.input,
    ...(e.output === undefined ? {} : { output: JSON.stringify(e.output) }),
    ...(e.error ? { error: e.error, cause: e.cause } : {}),
  };
}

const seconds = (date: Date) => date.getTime() / 1000;
