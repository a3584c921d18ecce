import type { EmulatedAccount } from '../account/emulated-account.js';

export type Platform = 'slack' | 'discord';

export interface LocalSecretValues {
  tokenBayKey: string;
  slack: { signingSecret: string; botToken: string | undefined } | undefined;
  discord: { publicKey: string; botToken: string | undefined } | undefined;
}

/**
 * Fills the template's secrets as a team fills them in the console after `cdk deploy`. A platform
 * left out keeps its secret as the stack created it, "not configured": that platform is off.
 */
export function fillSecrets(account: EmulatedAccount, values: LocalSecretValues): void {
  account.secrets.put(
    account.secrets.arnOf('TokenBayApiKey'),
    JSON.stringify({ apiKey: values.tokenBayKey }),
  );
  if (values.slack)
    account.secrets.put(
      account.secrets.arnOf('SlackSecrets'),
      JSON.stringify({ signingSecret: values.slack.signingSecret, botToken: values.slack.botToken ?? '' }),
    );
  if (values.discord)
    account.secrets.put(
      account.secrets.arnOf('DiscordSecrets'),
      JSON.stringify({ publicKey: values.discord.publicKey, botToken: values.discord.botToken ?? '' }),
    );
}
