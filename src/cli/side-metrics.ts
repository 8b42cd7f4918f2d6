import type { Command } from 'commander';
import { type SideKey, sideFold as sideFoldOf } from '../core/fold.js';
import { cesMean, csatPercent, mergeSideMetrics, newSideMetrics, type SideMetrics } from '../core/metrics.js';
import { dataError } from '../errors.js';
import type { GroupColumn } from '../io/scan/plan.js';
import type { Cell, Column } from '../report/model.js';

/** CSAT and CES beside NPS, for report, trend and agents: the same rows, grouped the same way. */
export interface SideFlags {
  csat?: string;
  ces?: string;
}

export const addSideMetricOptions = (cmd: Command): Command =>
  cmd
    .option('--csat <column>', 'also report CSAT from this 1-5 column (share of 4-5)')
    .option('--ces <column>', 'also report CES from this 1-7 column (mean effort)');

export const hasSideMetrics = (flags: SideFlags): boolean => flags.csat !== undefined || flags.ces !== undefined;

/** The group columns that carry the CSAT and CES cells to the fold, after the command's own. */
export function sideColumns(flags: SideFlags): GroupColumn[] {
  return [
    ...(flags.csat !== undefined ? [{ role: 'csat', flag: '--csat', spec: flags.csat, value: true }] : []),
    ...(flags.ces !== undefined ? [{ role: 'ces', flag: '--ces', spec: flags.ces, value: true }] : []),
  ];
}

/** The side-metrics fold for these flags, kept per `key`. */
export const sideFold = (flags: SideFlags, key: SideKey) =>
  sideFoldOf(flags.csat !== undefined, flags.ces !== undefined, key);

export function sideMetricColumns(flags: SideFlags): Column[] {
  return [
    ...(flags.csat !== undefined
      ? [
          { key: 'csat_pct', label: 'CSAT', kind: 'pct' } as Column,
          { key: 'csat_n', label: 'CSAT n', kind: 'count' } as Column,
        ]
      : []),
    ...(flags.ces !== undefined
      ? [
          { key: 'ces_mean', label: 'CES', kind: 'stat' } as Column,
          { key: 'ces_n', label: 'CES n', kind: 'count' } as Column,
        ]
      : []),
  ];
}

export function sideMetricCells(flags: SideFlags, m: SideMetrics | undefined): Record<string, Cell> {
  const metrics = m ?? newSideMetrics();
  return {
    ...(flags.csat !== undefined ? { csat_pct: csatPercent(metrics), csat_n: metrics.csatN } : {}),
    ...(flags.ces !== undefined ? { ces_mean: cesMean(metrics), ces_n: metrics.cesN } : {}),
  };
}

/**
 * After a scan: say how many side answers were off their scale, and refuse a column that is mostly
 * not that scale (a 0-10 column given as --csat would make a meaningless share).
 */
export function checkSideMetrics(flags: SideFlags, all: Iterable<SideMetrics>, warn: (message: string) => void): void {
  const total = newSideMetrics();
  for (const m of all) mergeSideMetrics(total, m);
  const check = (name: string, column: string | undefined, counted: number, off: number, scale: string) => {
    if (column === undefined || off === 0) return;
    if (off > counted) {
      throw dataError(
        `the ${name} column (${column}) is not a ${scale} scale: ${off} of ${off + counted} answers are outside it`,
        `give --${name.toLowerCase()} a ${scale} column`,
      );
    }
    warn(
      `warning: ${off} ${name} ${off === 1 ? 'answer is' : 'answers are'} not ${scale} and ` +
        `${off === 1 ? 'was' : 'were'} not counted`,
    );
  };
  check('CSAT', flags.csat, total.csatN, total.csatOff, '1-5');
  check('CES', flags.ces, total.cesN, total.cesOff, '1-7');
}
