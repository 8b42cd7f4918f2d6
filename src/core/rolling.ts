import { type Calendar, DAYS, periodEnd, periodKey, periodStart } from './period.js';
import { mergeTallies, newTally, type Tally } from './tally.js';

/** A trailing window: its last day, its first (day keys), and the answers of the days between. */
export interface Window {
  /** The step period the window ends in (a key of the step's calendar). */
  readonly step: number;
  readonly firstDay: number;
  readonly lastDay: number;
  readonly tally: Tally;
}

/**
 * Trailing windows of `width` days ending with each `every`-th step period, counting back from the
 * one holding `lastDay` (the latest answer's day, so that it is always in one), the earliest whose
 * window starts on or after `firstDay`. A window ends with its step period, or with `endDay` (the
 * day of the as-of time) when that is earlier. A window's tally adds the days' tallies: memory
 * stays with the days, not rows.
 */
export function trailingWindows(
  days: ReadonlyMap<number, Tally>,
  span: { readonly firstDay: number; readonly lastDay: number; readonly endDay: number },
  width: number,
  step: Calendar,
  every: number,
): Window[] {
  const { firstDay, lastDay, endDay } = span;
  const windows: Window[] = [];
  const lastStep = periodKey(periodStart(Math.min(lastDay, endDay), DAYS), step);
  for (let key = lastStep; ; key -= every) {
    const end = Math.min(endDay, periodKey(periodEnd(key, step), DAYS));
    const start = end - width + 1;
    if (start < firstDay) break;
    const tally = newTally();
    for (let day = start; day <= end; day++) {
      const t = days.get(day);
      if (t) mergeTallies(tally, t);
    }
    windows.push({ step: key, firstDay: start, lastDay: end, tally });
  }
  return windows.reverse();
}
