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

/**
 * The stack's own options, as CDK context under these names (`-c alarmEmail=ops@example.com`):
 * not settings any function reads, so not among CONTEXT_KEYS (which the stack checks with the
 * functions' schema and the local stack reads from its environment).
 */
export const STACK_OPTIONS = {
  /** Who is told when an alarm fires (an SNS topic with an e-mail subscription). */
  alarmEmail: 'alarmEmail',
} as const;
