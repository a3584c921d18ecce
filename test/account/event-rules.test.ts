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
  },
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
  });
});

/** A template with one rule on Step Functions' status changes, targeting one function. */
function template(options: { permission?: 'this rule' | 'another rule' | 'none'; state?: string } = {}) {
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
        SourceArn: { 'Fn::GetAtt': [options.permission === 'another rule' ? 'OtherRule' : 'Rule', 'Arn'] },
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
});
