/** Sparklines: NPS over periods as one line of text, for terminals and Markdown. */

const BARS = '▁▂▃▄▅▆▇█';

/**
 * A one-line chart: bars scaled between the min and max of the finite values; NaN → ' ' (a gap);
 * all equal → all '▄'.
 */
export function sparkline(values: readonly number[], scale: SparkScale = sparkScale(values)): string {
  const { min, max } = scale;
  const top = BARS.length - 1;
  let line = '';
  for (const v of values) {
    if (!Number.isFinite(v)) line += ' ';
    else if (max === min) line += BARS[3];
    else line += BARS[Math.round(((v - min) / (max - min)) * top)];
  }
  return line;
}

/** The bottom and top of sparklines: from every series' values, so several lines compare. */
export interface SparkScale {
  readonly min: number;
  readonly max: number;
}

/** The finite extremes of the values; computed once for any number of lines. */
export function sparkScale(values: Iterable<number>): SparkScale {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
