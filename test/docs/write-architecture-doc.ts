import { writeFile } from 'node:fs/promises';
import { ARCHITECTURE_DOC, currentRetryTableBlock, renderRetryTableBlock } from './retry-table-doc.js';

const { page, block } = await currentRetryTableBlock();
await writeFile(ARCHITECTURE_DOC, page.replace(block, await renderRetryTableBlock()));
process.stdout.write('wrote the retry tables of docs/ARCHITECTURE.md\n');
