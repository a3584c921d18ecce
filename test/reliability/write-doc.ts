import { writeFile } from 'node:fs/promises';
import { renderReliabilityDoc } from './reliability-doc.js';

await writeFile(new URL('../../docs/RELIABILITY.md', import.meta.url), renderReliabilityDoc());
console.log('wrote docs/RELIABILITY.md');
