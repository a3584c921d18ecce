import { describe, expect, it } from 'vitest';
import { remembered } from '../../functions/runtime/remembered.js';

describe('remembered: a client made once per cold start, again when its inputs change', () => {
  it('makes one value for equal inputs, a new one when they change, and keeps only the last', () => {
    const made: string[] = [];
    const client = remembered((inputs: { key: string; url: string }) => {
      made.push(inputs.key);
      return { ...inputs };
    });
    const first = client({ key: 'a', url: 'u' });
    expect(client({ key: 'a', url: 'u' })).toBe(first); // equal by value, not by identity
    const rotated = client({ key: 'b', url: 'u' });
    expect(rotated).not.toBe(first);
    expect(client({ key: 'a', url: 'u' })).not.toBe(first); // only the last one is kept
    expect(made).toEqual(['a', 'b', 'a']);
  });

  it('treats an absent input as an input (an unset endpoint)', () => {
    let count = 0;
    const client = remembered((endpoint: string | undefined) => ({ endpoint, n: ++count }));
    expect(client(undefined)).toBe(client(undefined));
    expect(client('http://s3.local').n).toBe(2);
  });
});
