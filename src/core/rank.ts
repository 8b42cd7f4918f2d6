/**
 * Competition ranking ("1, 2, 2, 4"): equal values share a rank, the next rank skips. Items are
 * ordered by value, highest first; NaN values go last, unranked. `tieBreak` orders equal values
 * for display without changing their shared rank.
 */
export function rankBy<T>(
  items: readonly T[],
  value: (item: T) => number,
  tieBreak: (a: T, b: T) => number,
): { item: T; rank: number }[] {
  const sorted = [...items].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (Number.isNaN(va) !== Number.isNaN(vb)) return Number.isNaN(va) ? 1 : -1;
    return vb - va || tieBreak(a, b);
  });
  let rank = 0;
  return sorted.map((item, i) => {
    const v = value(item);
    if (i === 0 || v !== value(sorted[i - 1])) rank = i + 1;
    return { item, rank: Number.isNaN(v) ? NaN : rank };
  });
}
