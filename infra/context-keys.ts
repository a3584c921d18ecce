import { PLATFORMS } from '@clipbay/platforms';
import { DEPLOY_SETTINGS } from '../functions/core/config.js';

/**
 * The settings a team deploys with, as CDK context under their own variable names: clipbay's
 * (`-c POLL_INTERVAL_SECONDS=20`, `-c LIMIT_CONCURRENT_PER_USER=3`) and each registered platform's
 * (`-c DISCORD_APPLICATION_ID=…`). The app reads them, the stack refuses any other, and the local
 * stack synthesizes with those its environment sets.
 */
export const CONTEXT_KEYS: readonly string[] = [
  ...DEPLOY_SETTINGS,
  ...PLATFORMS.flatMap((platform) => platform.deployVariables),
];
