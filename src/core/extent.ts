/*
 * The smallest and largest of any number of values, by a loop: spreading the values into
 * Math.min passes each as an argument and overflows the stack past about 125,000 of them.
 */

export function maxOf(values: Iterable<number>, empty = -Infinity): number {
  let max = empty;
  for (const v of values) if (v > max || Number.isNaN(v)) max = v;
  return max;
}

export function minOf(values: Iterable<number>, empty = Infinity): number {
  let min = empty;
  for (const v of values) if (v < min || Number.isNaN(v)) min = v;
  return min;
}

/** Appends every item of `items` to `list` one by one (a spread into push overflows the stack). */
export function append<T>(list: T[], items: Iterable<T>): T[] {
  for (const item of items) list.push(item);
  return list;
}
