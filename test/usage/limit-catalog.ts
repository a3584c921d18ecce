/**
 * The usage limits as the end-to-end suite sets them, and the tests that prove each one through
 * the emulated account. docs/RELIABILITY.md lists them; its test checks every named test exists.
 */
export const USAGE_LIMITS = { concurrent: 3, perDay: 5, quotaPerMonth: 40_000, burst: 50 } as const;

export interface LimitCase {
  setting: string;
  /** What the commands were and what the limit let through. */
  scenario: string;
  commands: number;
  started: number;
  outcome: string;
  file: string;
  test: string;
}

const FILE = 'test/usage/usage-limits.test.ts';

export const LIMIT_CASES: LimitCase[] = [
  {
    setting: `LIMIT_CONCURRENT_PER_USER=${USAGE_LIMITS.concurrent}`,
    scenario: `${USAGE_LIMITS.burst} commands at once from one Slack user`,
    commands: USAGE_LIMITS.burst,
    started: USAGE_LIMITS.concurrent,
    outcome:
      'the rest refused privately (“already have 3 videos in progress”), nothing submitted for them, no ledger row; one row per started run with its quota',
    file: FILE,
    test: '50 commands at once from one user with LIMIT_CONCURRENT_PER_USER=3 start exactly 3',
  },
  {
    setting: `LIMIT_VIDEOS_PER_USER_PER_DAY=${USAGE_LIMITS.perDay}`,
    scenario: `${USAGE_LIMITS.burst} more at once from the same user, once the first 3 were posted`,
    commands: USAGE_LIMITS.burst,
    started: USAGE_LIMITS.perDay - USAGE_LIMITS.concurrent,
    outcome: 'the slots were freed by SettleUsage; the rest refused with when the day resets',
    file: FILE,
    test: 'then, with LIMIT_VIDEOS_PER_USER_PER_DAY=5, 50 more start exactly 2: the slots were freed, the day is full',
  },
  {
    setting: `LIMIT_VIDEOS_PER_USER_PER_DAY=${USAGE_LIMITS.perDay}`,
    scenario: 'a Re-roll click from that user',
    commands: 1,
    started: 0,
    outcome: 'refused privately like a command (ephemeral, the original message kept)',
    file: FILE,
    test: 'Re-roll counts like any other command: refused privately once the limits are reached',
  },
  {
    setting: `LIMIT_QUOTA_PER_MONTH=${USAGE_LIMITS.quotaPerMonth}`,
    scenario: `${USAGE_LIMITS.burst} at once from other people of the workspace that spent it; one from another workspace`,
    commands: USAGE_LIMITS.burst + 1,
    started: 1,
    outcome:
      'all refused with the quota used and the reset date, none started; the other workspace unaffected',
    file: FILE,
    test: 'LIMIT_QUOTA_PER_MONTH: once the workspace spent its quota, anyone there is refused until the month ends',
  },
  {
    setting: 'ALLOWED_CHANNELS=C1,C2,…',
    scenario: `${USAGE_LIMITS.burst} at once in a channel not listed; help there`,
    commands: USAGE_LIMITS.burst + 1,
    started: 0,
    outcome: 'refused privately, nothing started; help still answers',
    file: FILE,
    test: 'ALLOWED_CHANNELS: a command elsewhere is refused privately and starts nothing',
  },
  {
    setting: `LIMIT_CONCURRENT_PER_USER=${USAGE_LIMITS.concurrent} (Discord)`,
    scenario: `${USAGE_LIMITS.concurrent + 2} commands at once from one Discord user, then prompt:usage`,
    commands: USAGE_LIMITS.concurrent + 3,
    started: USAGE_LIMITS.concurrent,
    outcome: 'refusals and usage answered with flag 64 (only the caller sees them)',
    file: FILE,
    test: 'Discord: the same limits, refused with flag 64 (only the caller sees it)',
  },
  {
    setting: 'any (the ledger)',
    scenario: '/video usage from the user and from an admin',
    commands: 2,
    started: 0,
    outcome:
      'the counts and quota equal the sums over the ledger rows; admins also see channel and workspace totals',
    file: FILE,
    test: '/video usage matches the ledger, privately',
  },
  {
    setting: 'any (the ledger)',
    scenario: 'the same command delivered twice',
    commands: 2,
    started: 1,
    outcome: 'counted once',
    file: FILE,
    test: 'a redelivered command is counted once',
  },
];
