import { PLATFORMS, type PlatformId } from '@clipbay/platforms';
import type { EmulatedAccount } from '../account/emulated-account.js';

/**
 * Fills the template's secrets as a team fills them in the console after `cdk deploy`. A platform
 * left out keeps its secret as the stack created it, "not configured": that platform is off.
 */
export function fillSecrets(
  account: EmulatedAccount,
  tokenBayKey: string,
  platforms: Partial<Record<PlatformId, Record<string, string>>>,
): void {
  account.secrets.put(account.secrets.arnOf('TokenBayApiKey'), JSON.stringify({ apiKey: tokenBayKey }));
  for (const platform of PLATFORMS) {
    const value = platforms[platform.id];
    if (value) account.secrets.put(account.secrets.arnOf(platform.secret.constructId), JSON.stringify(value));
  }
}
