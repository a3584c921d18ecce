import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FAULTS } from './fault-catalog.js';
import { LIMIT_CASES } from '../usage/limit-catalog.js';
import { renderReliabilityDoc } from './reliability-doc.js';

const root = new URL('../../', import.meta.url);

describe('docs/RELIABILITY.md', () => {
  it('is exactly what the suites’ tables render (run npm run docs:reliability after changing them)', async () => {
    expect(await readFile(new URL('docs/RELIABILITY.md', root), 'utf8')).toBe(renderReliabilityDoc());
  });

  it.each([...FAULTS, ...LIMIT_CASES].map((f) => [f.file, f] as const))(
    '%s: the named test exists',
    async (_file, fault) => {
      const source = await readFile(new URL(fault.file, root), 'utf8');
      expect(source).toContain(`'${fault.test}'`);
    },
  );
});
