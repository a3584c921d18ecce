import type { PlatformId } from '@clipbay/platforms';
import { discordOperator } from '../bots/discord/discord-operator.js';
import { slackOperator } from '../bots/slack/slack-operator.js';
import type { OperatorPlatform } from './operator-platform.js';

/**
 * Each registered platform's part of `connect` and `doctor`, by id. Kept apart from the registry
 * (bots/platforms.ts), which every Lambda bundle imports: these pull in the platforms' admin APIs.
 */
export const OPERATOR_PLATFORMS: Readonly<Record<PlatformId, OperatorPlatform>> = {
  slack: slackOperator,
  discord: discordOperator,
};
