import { describe, expect, it } from 'vitest';
import { currentRetryTableBlock, renderRetryTableBlock } from './retry-table-doc.js';

describe('docs/ARCHITECTURE.md’s error and retry tables', () => {
  it('are exactly what functions/core/retry-policy.ts renders (run npm run docs:architecture after changing it)', async () => {
    const { block } = await currentRetryTableBlock();
    expect(block).toBe(await renderRetryTableBlock());
  });
});
