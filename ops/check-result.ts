/**
 * One line of `doctor`: what was checked and how it stands. A failure carries its fix; a check that
 * could not be made (it needs something not given) says what would let it run.
 */
export type CheckResult =
  | { state: 'passed'; what: string; detail?: string }
  | { state: 'failed'; what: string; detail: string; fix: string }
  | { state: 'skipped'; what: string; detail: string };

export const passed = (what: string, detail?: string): CheckResult => ({
  state: 'passed',
  what,
  ...(detail ? { detail } : {}),
});

export const failed = (what: string, detail: string, fix: string): CheckResult => ({
  state: 'failed',
  what,
  detail,
  fix,
});

export const skipped = (what: string, detail: string): CheckResult => ({ state: 'skipped', what, detail });

/** `✔ what (detail)`, `– what: detail`, or `✗ what: detail` with `→ fix` beneath. */
export function renderCheck(check: CheckResult): string {
  switch (check.state) {
    case 'passed':
      return `✔ ${check.what}${check.detail ? ` (${check.detail})` : ''}`;
    case 'skipped':
      return `– ${check.what}: ${check.detail}`;
    case 'failed':
      return `✗ ${check.what}: ${check.detail}\n    → ${check.fix}`;
  }
}
