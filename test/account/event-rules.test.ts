import { describe, expect, it } from 'vitest';
import { EventRules, matches } from '../../local/account/services/event-rules.js';
import type { LambdaFunction } from '../../local/account/lambda/lambda-function.js';
import { TemplateResolver, type CloudFormationTemplate } from '../../local/account/template.js';

/** A "Step Functions Execution Status Change" as EventBridge carries it. */
const event = {
  version: '0',
  source: 'aws.states',
  'detail-type': 'Step Functions Execution Status Change',
  resources: ['arn:aws:states:us-east-1:000000000000:execution:Clipbay:run-1'],
  detail: {
    stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Clipbay',
    name: 'run-1',
    status: 'TIMED_OUT',
    error: null,
    attempt: 3,
  },
  tags: ['a', 'b'],
};

/** EventBridge's documented pattern matching, for the forms the local account supports. */
describe('EventBridge event patterns', () => {
  it.each([
    ['exact values in a list (any one matches)', { source: ['aws.s3', 'aws.states'] }, true],
    ['a value not in the list', { source: ['aws.s3'] }, false],
    ['a nested field', { detail: { status: ['TIMED_OUT', 'ABORTED'] } }, true],
    ['a nested field that differs', { detail: { status: ['SUCCEEDED'] } }, false],
    ['every field must match', { source: ['aws.states'], detail: { status: ['FAILED'] } }, false],
    ['a field the event lacks', { detail: { cause: ['x'] } }, false],
    ['an array field matches if any element does', { resources: [event.resources[0]] }, true],
    ['null matches null', { detail: { error: [null] } }, true],
    ['prefix', { detail: { name: [{ prefix: 'run-' }] } }, true],
    ['prefix that does not match', { detail: { name: [{ prefix: 'job-' }] } }, false],
    ['anything-but a value', { detail: { status: [{ 'anything-but': 'SUCCEEDED' }] } }, true],
    [
      'anything-but a list holding the value',
      { detail: { status: [{ 'anything-but': ['TIMED_OUT'] }] } },
      false,
    ],
    ['anything-but on a missing field', { detail: { cause: [{ 'anything-but': 'x' }] } }, false],
    ['exists: true on a present field', { detail: { name: [{ exists: true }] } }, true],
    ['exists: false on a missing field', { detail: { cause: [{ exists: false }] } }, true],
    ['exists: false on a present field', { detail: { name: [{ exists: false }] } }, false],
    ['an object where the event has a scalar', { source: { x: ['y'] } }, false],
    // A nested pattern descends into objects only: not into a string's or an array's properties.
    ['an object where the event has a string (its length is no field)', { source: { length: [10] } }, false],
    ['an object where the event has an array', { resources: { length: [1] } }, false],
    ['an object where the event has null', { detail: { error: { x: ['y'] } } }, false],
    ['an array field matches if any element does, not only if all do', { tags: ['b'] }, true],
    ['prefix on an array field: any element', { tags: [{ prefix: 'b' }] }, true],
    ['prefix on a number', { detail: { attempt: [{ prefix: '3' }] } }, false],
    ['anything-but null on a null field', { detail: { error: [{ 'anything-but': [null] }] } }, false],
    ['anything-but null on a string field', { detail: { status: [{ 'anything-but': [null] }] } }, true],
    [
      'anything-but on an array field: no element may be excluded',
      { tags: [{ 'anything-but': 'b' }] },
      false,
    ],
  ])('%s', (_name, pattern, expected) => {
    expect(matches(pattern as Record<string, unknown>, event)).toBe(expected);
  });

  it('refuses what it does not know rather than guess', () => {
    expect(() => matches({ detail: { status: [{ numeric: ['>', 1] }] } }, event)).toThrow(
      /operator numeric is not supported/,
    );
    expect(() => matches({ source: 'aws.states' }, event)).toThrow(/must be a list or an object/);
    expect(() => matches({ detail: { name: [{ 'anything-but': { prefix: 'run-' } }] } }, event)).toThrow(
      /anything-but with a nested operator is not supported/,
    );
    // Any nested operator in the list, even after a plain value.
    expect(() =>
      matches({ detail: { name: [{ 'anything-but': ['job-1', { prefix: 'run-' }] }] } }, event),
    ).toThrow(/anything-but with a nested operator is not supported/);
  });
});

/** A template with one rule on Step Functions' status changes, targeting one function. */
function template(
  options: {
    permission?: 'this rule' | 'another rule' | 'any rule' | 'none';
    /** The permission's other fields, as a template might set them. */
    grant?: { Principal?: string; Action?: string };
    state?: string;
    rule?: Record<string, unknown>;
  } = {},
) {
  const resources: CloudFormationTemplate['Resources'] = {
    Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: {} },
    EndedFn: { Type: 'AWS::Lambda::Function', Properties: {} },
    Rule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        ...(options.state ? { State: options.state } : {}),
        EventPattern: {
          source: ['aws.states'],
          'detail-type': ['Step Functions Execution Status Change'],
          detail: { stateMachineArn: [{ Ref: 'Machine' }], status: ['ABORTED'] },
        },
        Targets: [{ Id: 'Target0', Arn: { 'Fn::GetAtt': ['EndedFn', 'Arn'] } }],
        ...options.rule,
      },
    },
    OtherRule: {
      Type: 'AWS::Events::Rule',
      Properties: { EventPattern: { source: ['aws.other'] }, Targets: [] },
    },
  };
  if ((options.permission ?? 'this rule') !== 'none')
    resources.Permission = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': ['EndedFn', 'Arn'] },
        ...(options.permission === 'any rule'
          ? {}
          : {
              SourceArn: {
                'Fn::GetAtt': [options.permission === 'another rule' ? 'OtherRule' : 'Rule', 'Arn'],
              },
            }),
        ...options.grant,
      },
    };
  return new TemplateResolver({ Resources: resources } as CloudFormationTemplate);
}

/** The target function, answering each invocation with the next of `answers` (an Error is thrown). */
function target(resolver: TemplateResolver, answers: (Error | 'ok')[]) {
  const events: unknown[] = [];
  const fn = {
    logicalId: 'EndedFn',
    functionArn: resolver.getAtt('EndedFn', 'Arn'),
    invoke: (event: unknown) => {
      events.push(event);
      const answer = answers.shift() ?? 'ok';
      return answer === 'ok' ? Promise.resolve(null) : Promise.reject(answer);
    },
  } as unknown as LambdaFunction;
  return { events, functions: new Map([['EndedFn', fn]]) };
}

const statusChange = (resolver: TemplateResolver, status: string) => ({
  source: 'aws.states',
  'detail-type': 'Step Functions Execution Status Change',
  resources: ['arn:aws:states:us-east-1:000000000000:execution:Machine:run-1'],
  detail: { stateMachineArn: resolver.ref('Machine'), name: 'run-1', status },
});
const named = (name: string, message = 'x') => Object.assign(new Error(message), { name });

/** Delivery to a rule's Lambda target, as EventBridge and Lambda's asynchronous invocation do it. */
describe('EventBridge delivery', () => {
  it('puts the event as EventBridge carries it, and invokes the target of each matching rule once', async () => {
    const resolver = template();
    const { events, functions } = target(resolver, ['ok']);
    const rules = new EventRules(resolver, functions, { retryIntervalMs: 0 });
    const put = rules.put(statusChange(resolver, 'ABORTED'));
    await rules.idle();
    expect(put).toMatchObject({
      version: '0',
      account: '123456789012',
      region: 'us-east-1',
      source: 'aws.states',
    });
    expect(put.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(put.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(events).toEqual([put]);
    expect(rules.deliveries).toEqual([
      { rule: 'Rule', target: 'Target0', event: put, attempts: 1, ok: true },
    ]);
    // Not matching: no delivery at all.
    rules.put(statusChange(resolver, 'SUCCEEDED'));
    await rules.idle();
    expect(rules.deliveries).toHaveLength(1);
  });

  it('tries a function error 3 times in all, as Lambda does for asynchronous invocations', async () => {
    const resolver = template();
    const failing = target(resolver, [named('Boom'), named('Boom'), named('Boom'), 'ok']);
    const rules = new EventRules(resolver, failing.functions, { retryIntervalMs: 0 });
    rules.put(statusChange(resolver, 'ABORTED'));
    await rules.idle();
    expect(failing.events).toHaveLength(3);
    expect(rules.deliveries[0]).toMatchObject({ attempts: 3, ok: false, error: 'Boom: x' });

    const recovering = target(resolver, [named('Boom'), 'ok']);
    const again = new EventRules(resolver, recovering.functions, { retryIntervalMs: 0 });
    again.put(statusChange(resolver, 'ABORTED'));
    await again.idle();
    expect(again.deliveries[0]).toEqual(expect.objectContaining({ attempts: 2, ok: true }));
    expect(again.deliveries[0]!.error).toBeUndefined();
  });

  it('keeps a throttled invocation queued without counting it as a try', async () => {
    const resolver = template();
    const throttled = named('Lambda.TooManyRequestsException');
    const { events, functions } = target(resolver, [throttled, throttled, throttled, throttled, 'ok']);
    const rules = new EventRules(resolver, functions, { retryIntervalMs: 0 });
    rules.put(statusChange(resolver, 'ABORTED'));
    await rules.idle();
    expect(events).toHaveLength(5);
    expect(rules.deliveries[0]).toMatchObject({ attempts: 1, ok: true });
  });

  it('invokes only with a Lambda permission for that very rule, and never for a disabled rule', async () => {
    for (const permission of ['none', 'another rule'] as const) {
      const resolver = template({ permission });
      const { events, functions } = target(resolver, ['ok']);
      const lines: string[] = [];
      const rules = new EventRules(resolver, functions, { retryIntervalMs: 0, log: (l) => lines.push(l) });
      rules.put(statusChange(resolver, 'ABORTED'));
      await rules.idle();
      expect(events, permission).toEqual([]);
      expect(rules.deliveries[0]).toMatchObject({
        attempts: 0,
        ok: false,
        error: expect.stringContaining('no Lambda permission'),
      });
      expect(lines).toEqual([
        expect.stringContaining('events.amazonaws.com may not invoke EndedFn for rule Rule'),
      ]);
    }
    const disabled = template({ state: 'DISABLED' });
    const { events, functions } = target(disabled, ['ok']);
    const rules = new EventRules(disabled, functions, { retryIntervalMs: 0 });
    rules.put(statusChange(disabled, 'ABORTED'));
    await rules.idle();
    expect([events, rules.deliveries]).toEqual([[], []]);
  });

  it('a permission without SourceArn lets every rule invoke; one for another principal or action lets none', async () => {
    const delivered = async (options: Parameters<typeof template>[0]) => {
      const resolver = template(options);
      const { events, functions } = target(resolver, ['ok']);
      const rules = new EventRules(resolver, functions, { retryIntervalMs: 0 });
      rules.put(statusChange(resolver, 'ABORTED'));
      await rules.idle();
      return events.length;
    };
    expect(await delivered({ permission: 'any rule' })).toBe(1);
    expect(await delivered({ grant: { Principal: 's3.amazonaws.com' } })).toBe(0);
    expect(await delivered({ grant: { Action: 'lambda:InvokeFunctionUrl' } })).toBe(0);
  });

  it('refuses a target that is not one of the functions it runs, and says so', async () => {
    const resolver = template();
    const other = {
      logicalId: 'OtherFn',
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:Other',
    };
    const invoked: unknown[] = [];
    const functions = new Map([
      [
        'OtherFn',
        {
          ...other,
          invoke: (e: unknown) => Promise.resolve(void invoked.push(e)),
        } as unknown as LambdaFunction,
      ],
    ]);
    const lines: string[] = [];
    const rules = new EventRules(resolver, functions, { retryIntervalMs: 0, log: (l) => lines.push(l) });
    rules.put(statusChange(resolver, 'ABORTED'));
    await rules.idle();
    const error = `Target ${resolver.getAtt('EndedFn', 'Arn')} is not a function of this template.`;
    expect(invoked).toEqual([]);
    expect(rules.deliveries).toEqual([expect.objectContaining({ attempts: 0, ok: false, error })]);
    expect(lines).toEqual([`EventBridge rule Rule: ${error}`]);
  });

  it('logs each failed try, and gives a throttled event up after 100 throttles more', async () => {
    const resolver = template();
    const failing = target(resolver, [named('Boom'), 'ok']);
    const lines: string[] = [];
    const rules = new EventRules(resolver, failing.functions, {
      retryIntervalMs: 0,
      log: (l) => lines.push(l),
    });
    rules.put(statusChange(resolver, 'ABORTED'));
    await rules.idle();
    expect(lines).toEqual(['EventBridge → EndedFn attempt 1 failed: Boom: x']);

    const throttled = named('Lambda.TooManyRequestsException', 'Rate exceeded');
    const { events, functions } = target(resolver, [...Array<Error>(101).fill(throttled), 'ok']);
    const queued = new EventRules(resolver, functions, { retryIntervalMs: 0 });
    queued.put(statusChange(resolver, 'ABORTED'));
    await queued.idle();
    expect(events).toHaveLength(101);
    expect(queued.deliveries[0]).toMatchObject({
      attempts: 1,
      ok: false,
      error: 'Lambda.TooManyRequestsException: Rate exceeded',
    });
  });

  it('runs rules of the default bus only, and refuses a rule without a pattern (a schedule)', () => {
    const rulesOf = (rule: Record<string, unknown>) =>
      new EventRules(template({ rule }), new Map(), { retryIntervalMs: 0 });
    expect(() => rulesOf({ EventBusName: 'default' })).not.toThrow();
    expect(() => rulesOf({ EventBusName: 'orders' })).toThrow(
      'Rule Rule is on another event bus, which the local account does not run.',
    );
    expect(() => rulesOf({ EventPattern: undefined, ScheduleExpression: 'rate(1 hour)' })).toThrow(
      'Rule Rule has no EventPattern (schedules are not run locally).',
    );
  });
});
