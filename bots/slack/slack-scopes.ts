/**
 * The bot scopes clipbay's Slack app asks for (manifest.yaml's `oauth_config.scopes.bot`, which a
 * test keeps equal to this list), each with what it is for, so `connect` and `doctor` can say why
 * a missing one matters (api.slack.com/scopes).
 */
export const SLACK_BOT_SCOPES = [
  { scope: 'commands', for: 'receiving /video at all' },
  { scope: 'chat:write', for: 'posting progress and the finished clip' },
  {
    scope: 'chat:write.public',
    for: 'posting in public channels the bot was never invited to',
  },
  { scope: 'files:write', for: 'uploading each clip so it plays in the channel (else a link only)' },
  { scope: 'files:read', for: 'reading the image a message shares, for Animate' },
] as const;

/** The scopes `have` lacks, each with its reason. */
export function missingScopes(have: readonly string[]): { scope: string; for: string }[] {
  return SLACK_BOT_SCOPES.filter((wanted) => !have.includes(wanted.scope));
}
