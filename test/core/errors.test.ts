import { describe, expect, it } from 'vitest';
import { ERROR, ERROR_CLASSES } from '../../functions/core/errors.js';
import { isTransient, LOST_CONTAINER, STATE_RETRY } from '../../functions/core/retry-policy.js';

/** The names Step Functions matches on are the names the errors carry, and nothing else. */
describe('the error table', () => {
  it.each(Object.entries(ERROR_CLASSES))('%s instances are named as the table says', (key, Class) => {
    const error = new (Class as unknown as new (...args: unknown[]) => Error)('a message', 0);
    expect(error.name).toBe(ERROR[key as keyof typeof ERROR]);
  });

  it('never retries a submit that may have reached TokenBay', () => {
    const submit = [...STATE_RETRY.submit.errors] as string[];
    for (const name of [
      ERROR.tokenBayMaybeSent,
      ERROR.tokenBayServer,
      ERROR.tokenBayProtocol,
      'Sandbox.Timedout',
    ])
      expect(submit).not.toContain(name);
  });

  it('retries a notification when chat may take it later, or when its container was lost', () => {
    // A lost container may have posted: the message is replaced in place and the clip's upload is
    // claimed once on the ledger, so the retry shows nothing twice. Chat's refusal is never retried.
    expect(STATE_RETRY.notify.errors).toEqual([ERROR.notify, ...LOST_CONTAINER]);
    expect(STATE_RETRY.notify.errors).not.toContain(ERROR.notifyRejected);
  });

  it('treats only failed reads as transient', () => {
    expect(isTransient(Object.assign(new Error('x'), { name: ERROR.tokenBayServer }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { name: ERROR.tokenBayRejected }))).toBe(false);
    expect(isTransient(undefined)).toBe(false);
  });
});
