/**
 * The periods usage is counted in: UTC days and UTC months, so a limit resets at the same moment
 * for everyone in a team that spans time zones.
 */
export interface UsagePeriods {
  /** `2026-11-26` */
  day: string;
  /** `2026-11` */
  month: string;
  /** When the day and the month end, ms since the epoch. */
  dayEndsAt: number;
  monthEndsAt: number;
}

export function periodsAt(ms: number): UsagePeriods {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const iso = date.toISOString();
  return {
    day: iso.slice(0, 10),
    month: iso.slice(0, 7),
    dayEndsAt: Date.UTC(year, month, date.getUTCDate() + 1),
    monthEndsAt: Date.UTC(year, month + 1, 1),
  };
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `November`, from `2026-11`. */
export function monthName(month: string): string {
  return MONTHS[Number(month.slice(5, 7)) - 1] ?? month;
}

/** `in 5 h 12 min` / `in 40 min` / `in under a minute`: how long until `at`. */
export function timeUntil(at: number, now: number): string {
  const minutes = Math.ceil((at - now) / 60_000);
  if (minutes <= 1) return 'in under a minute';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours >= 48) return `in ${Math.round(hours / 24)} days`;
  if (hours === 0) return `in ${minutes} min`;
  return rest === 0 ? `in ${hours} h` : `in ${hours} h ${rest} min`;
}

/** `1 December, 00:00 UTC`, from a period's end. */
export function resetMoment(at: number): string {
  const date = new Date(at);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}, 00:00 UTC`;
}
