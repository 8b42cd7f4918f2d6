// The pure core, usable as a library without the command line.
export { classify, CATEGORIES, type Category } from './core/classify.js';
export { parseAnswer, MISSING, NOT_A_NUMBER, OUT_OF_RANGE } from './core/answer.js';
export { newTally, tallyOf, mergeTallies, countsOf, sizeOf, type Tally, type Counts } from './core/tally.js';
export { netScore, variance, standardError } from './core/nps.js';
export { interval, adjust, INTERVAL_METHODS, type Interval, type IntervalMethod } from './core/interval.js';
export { normalQuantile, criticalValue } from './core/normal.js';
export { summarize, type NpsSummary, type Statistics } from './core/summary.js';
export { parseDate, dayBounds } from './core/date.js';
