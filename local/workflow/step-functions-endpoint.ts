import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalExecution, LocalWorkflow } from './local-workflow.js';

/**
 * The Step Functions API (JSON 1.0 protocol) for the operations clipbay uses — StartExecution,
 * DescribeExecution, StopExecution, ListExecutions — on top of the local workflow, so the ingress
 * uses the real @aws-sdk/client-sfn both locally and in AWS.
 */
export function stepFunctionsHandler(workflow: LocalWorkflow) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    const operation = target.replace(/^AWSStepFunctions\./, '');
    try {
      switch (operation) {
        case 'StartExecution': {
          if (body.stateMachineArn !== workflow.stateMachineArn)
            return fail(res, 'StateMachineDoesNotExist', 'No such state machine.');
          const name = typeof body.name === 'string' && body.name ? body.name : crypto.randomUUID();
          if (!/^[A-Za-z0-9._-]{1,80}$/.test(name))
            return fail(res, 'InvalidName', `Invalid execution name: ${name}`);
          const execution = workflow.start(name, typeof body.input === 'string' ? body.input : '{}');
          return ok(res, { executionArn: execution.executionArn, startDate: seconds(execution.startDate) });
        }
        case 'DescribeExecution': {
          const execution = workflow.describe(String(body.executionArn));
          return execution
            ? ok(res, describe(execution, workflow.stateMachineArn))
            : fail(res, 'ExecutionDoesNotExist', 'No such execution.');
        }
        case 'StopExecution': {
          const execution = workflow.stop(String(body.executionArn));
          return execution
            ? ok(res, { stopDate: seconds(new Date()) })
            : fail(res, 'ExecutionDoesNotExist', 'No such execution.');
        }
        case 'ListExecutions':
          return ok(res, { executions: workflow.list().map((e) => describe(e, workflow.stateMachineArn)) });
        default:
          return fail(res, 'UnknownOperationException', `${operation} is not supported locally.`);
      }
    } catch (error) {
      const name = (error as Error).name;
      return fail(
        res,
        name === 'ExecutionAlreadyExists' ? name : 'InternalFailure',
        (error as Error).message,
        name === 'ExecutionAlreadyExists' ? 400 : 500,
      );
    }
  };
}

/** A standalone server for the handler (the local stack mounts the handler on its own server). */
export async function startStepFunctionsEndpoint(
  workflow: LocalWorkflow,
): Promise<{ url: string; close: () => Promise<void> }> {
  const handler = stepFunctionsHandler(workflow);
  const server: Server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
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

function ok(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify(body));
}

function fail(res: ServerResponse, type: string, message: string, status = 400): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ __type: type, message }));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
