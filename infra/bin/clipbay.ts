import { createApp } from '../app.js';

/** `npm run synth` / `npm run deploy`. Settings: `-c pollIntervalSeconds=15` (never below 5), see docs/OPERATING.md, "Stack options". */
createApp();
