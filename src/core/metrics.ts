import { MISSING, parseAnswer } from './answer.js';

/**
 * The other two questions contact centres ask beside NPS: CSAT (1-5, reported as the share of 4
 * and 5) and CES (customer effort, 1-7, reported as the mean). Kept as sums so they fold like
 * tallies; answers outside their scale are not counted.
 */
export interface SideMetrics {
  csatN: number;
  csatSatisfied: number;
  /** Filled CSAT cells that are not 1-5 answers. */
  csatOff: number;
  cesN: number;
  cesSum: number;
  /** Filled CES cells that are not 1-7 answers. */
  cesOff: number;
}

export const newSideMetrics = (): SideMetrics => ({
  csatN: 0,
  csatSatisfied: 0,
  csatOff: 0,
  cesN: 0,
  cesSum: 0,
  cesOff: 0,
});

export function addSideMetrics(m: SideMetrics, csat: string | undefined, ces: string | undefined): void {
  if (csat !== undefined) {
    const value = parseAnswer(csat);
    if (value >= 1 && value <= 5) {
      m.csatN++;
      if (value >= 4) m.csatSatisfied++;
    } else if (value !== MISSING) m.csatOff++;
  }
  if (ces !== undefined) {
    const value = parseAnswer(ces);
    if (value >= 1 && value <= 7) {
      m.cesN++;
      m.cesSum += value;
    } else if (value !== MISSING) m.cesOff++;
  }
}

export function mergeSideMetrics(into: SideMetrics, from: SideMetrics): void {
  into.csatN += from.csatN;
  into.csatSatisfied += from.csatSatisfied;
  into.csatOff += from.csatOff;
  into.cesN += from.cesN;
  into.cesSum += from.cesSum;
  into.cesOff += from.cesOff;
}

/** Share of satisfied (4-5) answers in percent; NaN without answers. */
export const csatPercent = (m: SideMetrics): number => (m.csatN === 0 ? NaN : (100 * m.csatSatisfied) / m.csatN);

/** Mean effort score; NaN without answers. */
export const cesMean = (m: SideMetrics): number => (m.cesN === 0 ? NaN : m.cesSum / m.cesN);
