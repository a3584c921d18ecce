/**
 * The caps a team sets on `/video` (each unset = no limit). Deployed, they are CDK context values
 * of the same names; locally, environment variables. Checked at the ingress before anything starts.
 */
export interface UsageLimits {
  /** LIMIT_VIDEOS_PER_USER_PER_DAY: videos one person may start per UTC day. */
  videosPerUserPerDay?: number | undefined;
  /** LIMIT_CONCURRENT_PER_USER: videos one person may have in progress at once. */
  concurrentPerUser?: number | undefined;
  /** LIMIT_QUOTA_PER_MONTH: TokenBay quota a workspace or guild may spend per UTC month. */
  quotaPerMonth?: number | undefined;
  /** ALLOWED_CHANNELS: the only channels where videos may be made (unset: all). */
  allowedChannels?: readonly string[] | undefined;
  /** CLIPBAY_ADMINS: user ids who also see channel and workspace totals in `/video usage`. */
  admins: readonly string[];
}

/** The variable (and CDK context key) of each limit, as people set them. */
export const LIMIT_SETTING = {
  videosPerUserPerDay: 'LIMIT_VIDEOS_PER_USER_PER_DAY',
  concurrentPerUser: 'LIMIT_CONCURRENT_PER_USER',
  quotaPerMonth: 'LIMIT_QUOTA_PER_MONTH',
  allowedChannels: 'ALLOWED_CHANNELS',
  admins: 'CLIPBAY_ADMINS',
} as const;

export const NO_LIMITS: UsageLimits = { admins: [] };
