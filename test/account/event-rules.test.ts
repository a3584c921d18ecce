import { describe, expect, it } from 'vitest';
import { matches } from '../../local/account/services/event-rules.js';

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
