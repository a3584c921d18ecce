import { createApp } from '../app.js';

/** `npm run synth` / `npm run deploy`. Settings: CDK context under their own names, e.g. `-c POLL_INTERVAL_SECONDS=20` (never below 5), see docs/OPERATING.md, "Stack options". */
createApp();
