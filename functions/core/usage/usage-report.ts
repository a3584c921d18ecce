import type { PlatformWords } from '../chat/chat-platform.js';
import { counterAt, counterKeys, type UsageLedger, type UsageScope } from './usage-ledger.js';
import type { UsageLimits } from './usage-limits.js';
import { monthName, periodsAt, timeUntil } from './usage-period.js';

export interface UsageReportDeps {
  ledger: UsageLedger;
  limits: UsageLimits;
  /** The registered platforms' words ("workspace", "server"). */
  words: PlatformWords;
  now?: () => number;
}

const count = (n: number) => n.toLocaleString('en-US');
const videos = (n: number) => `${count(n)} video${n === 1 ? '' : 's'}`;

/**
 * `/video usage`, answered privately: the caller's videos and quota today and this month, what is
 * left under each limit, and for CLIPBAY_ADMINS the channel's and the workspace's totals. Read from
 * the same counters the limits are checked against, in one BatchGetItem.
 */
export async function usageReport(deps: UsageReportDeps, scope: UsageScope): Promise<string> {
  const now = (deps.now ?? Date.now)();
  const periods = periodsAt(now);
  const keys = counterKeys(scope, periods);
  const admin = deps.limits.admins.includes(scope.user);
  const counters = await deps.ledger.read([
    keys.userDay,
    keys.userMonth,
    keys.teamMonth,
    ...(admin ? [keys.channelDay, keys.channelMonth, keys.teamDay] : []),
  ]);
  const at = (k: Parameters<typeof counterAt>[1]) => counterAt(counters, k);
  const { videosPerUserPerDay, concurrentPerUser, quotaPerMonth } = deps.limits;
  const today = at(keys.userDay);
  const month = at(keys.userMonth);
  const running = today.running;
  const where = deps.words(scope.platform).workspaceNoun;

  // The day counts a video when it starts (the limits need it at once), the month when it settles:
  // today's runs still in progress are added to the month, so the two lines always agree.
  const inProgress = running > 0 ? ` (${count(running)} in progress)` : '';
  const lines = [
    `Your clipbay usage (days and months are UTC; today ends ${timeUntil(periods.dayEndsAt, now)}):`,
    `• Today: ${videos(today.videos)}${inProgress}, quota ${count(today.quota)}` +
      (videosPerUserPerDay === undefined
        ? ''
        : ` · ${count(Math.max(0, videosPerUserPerDay - today.videos))} of ${count(videosPerUserPerDay)} left today`),
    `• ${monthName(periods.month)}: ${videos(month.videos + running)}${inProgress}, quota ${count(month.quota)}`,
    `• In progress: ${count(running)}` +
      (concurrentPerUser === undefined
        ? ''
        : ` · ${count(Math.max(0, concurrentPerUser - running))} of ${count(concurrentPerUser)} at once free`),
  ];
  if (quotaPerMonth !== undefined) {
    const used = at(keys.teamMonth).quota;
    lines.push(
      `• This ${where}'s quota in ${monthName(periods.month)}: ${count(used)} of ${count(quotaPerMonth)} used, ${count(Math.max(0, quotaPerMonth - used))} left`,
    );
  }
  if (deps.limits.allowedChannels)
    lines.push(`• Videos can be made in ${deps.limits.allowedChannels.length} allowed channel(s).`);
  if (admin) {
    const total = (k: typeof keys.userDay) => `${videos(at(k).videos)}, quota ${count(at(k).quota)}`;
    lines.push(
      '',
      'Totals (you are a clipbay admin):',
      `• This channel: today ${total(keys.channelDay)} · ${monthName(periods.month)} ${total(keys.channelMonth)}`,
      `• This ${where}: today ${total(keys.teamDay)} · ${monthName(periods.month)} ${total(keys.teamMonth)}`,
    );
  }
  return lines.join('\n');
}
