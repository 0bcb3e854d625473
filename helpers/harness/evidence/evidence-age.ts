/**
 * How old a piece of evidence is. Kling deletes result videos 30 days after they are made (docs/kling-api.md §5),
 * and an API moves: a closed row or a live recording past that age is shown as old enough to verify again.
 */

export const RESULT_KEPT_DAYS = 30;
const DAY_MS = 86_400_000;

/** Whole days between an instant and now, rounded down. */
export function ageInDays(at: string, now: number = Date.now()): number {
  return Math.floor((now - Date.parse(at)) / DAY_MS);
}

/** "today", "1 day ago", "45 days ago: past Kling's 30 days, re-verify". */
export function ageText(at: string, now: number = Date.now()): string {
  const days = ageInDays(at, now);
  const ago = days <= 0 ? 'today' : `${days} day${days === 1 ? '' : 's'} ago`;
  return days >= RESULT_KEPT_DAYS ? `${ago}: past Kling's ${RESULT_KEPT_DAYS} days, re-verify` : ago;
}
