import { Option } from 'commander';
import { type Calendar, isComplete, periodInProgress, periodLabel } from '../core/period.js';
import type { Scan } from '../io/scan/scan.js';

/**
 * Periods still in progress at the as-of time. A week that has just begun holds a handful of
 * responses: shown and marked, but never tested for a change and never the period a gate judges,
 * unless --include-in-progress asks for it (and then the output says so).
 */

export interface InProgressFlags {
  includeInProgress?: boolean;
}

/** The option of every command that judges "the latest period". */
export const inProgressOption = (): Option =>
  new Option(
    '--include-in-progress',
    'judge and test the period still in progress at --as-of too (its figures may still change)',
  );

/** Which periods may be tested and judged: the complete ones, or all when --include-in-progress. */
export interface Judging {
  /** The first period in progress: it and later ones are not complete. */
  readonly inProgressFrom: number;
  /** The last period a test or gate may use. */
  readonly lastJudged: number;
  readonly complete: (key: number) => boolean;
  /**
   * The note that says which of these periods are in progress, and whether they were judged
   * (undefined when none are). `chosen`: the user named them, so they were compared all the same.
   */
  note(keys: Iterable<number>, chosen?: boolean): string | undefined;
}

export function judging(
  result: Pick<Scan<unknown>, 'boundary' | 'asOf' | 'zone'>,
  calendar: Calendar,
  flags: InProgressFlags,
): Judging {
  const inProgressFrom = periodInProgress(result.boundary, calendar);
  const include = Boolean(flags.includeInProgress);
  return {
    inProgressFrom,
    lastJudged: include ? Infinity : inProgressFrom - 1,
    complete: (key) => isComplete(key, calendar, result.boundary),
    note(keys, chosen = false) {
      const open = [...new Set(keys)].filter((key) => key >= inProgressFrom).sort((a, b) => a - b);
      if (open.length === 0) return undefined;
      const labels = open.map((key) => periodLabel(key, calendar));
      const named =
        labels.length === 1 ? `${labels[0]} is` : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)} are`;
      const when = `data as of ${asOfText(result)}`;
      const figures = labels.length === 1 ? 'its figures' : 'their figures';
      if (chosen) return `${named} in progress (${when}): ${figures} may still change.`;
      return include
        ? `${named} in progress (${when}) and judged all the same, as --include-in-progress ` +
            `asks: ${figures} may still change.`
        : `${named} in progress (${when}): not tested, and no gate judges ${labels.length === 1 ? 'it' : 'them'}; ` +
            `the latest complete ${calendar.unit} is judged ` +
            `(--include-in-progress judges ${labels.length === 1 ? 'it' : 'them'}).`;
    },
  };
}

/**
 * "2024-11-25 07:00 Europe/Stockholm": the time that ends the data, as the periods are cut
 * (--until's end when earlier).
 */
export const asOfText = ({ asOf, boundary, zone }: Pick<Scan<unknown>, 'asOf' | 'boundary' | 'zone'>): string =>
  `${new Date(boundary).toISOString().slice(0, 16).replace('T', ' ')} ${zone.name}` +
  `${boundary < asOf.wall ? ', the end of --until' : ''}`;

/** The latest period with responses that may be judged, or undefined. */
export function latestJudged(keys: Iterable<number>, judge: Judging): number | undefined {
  let latest: number | undefined;
  for (const key of keys) if (key <= judge.lastJudged && (latest === undefined || key > latest)) latest = key;
  return latest;
}
