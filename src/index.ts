// The pure core, usable as a library without the command line.

export { MISSING, NOT_A_NUMBER, OUT_OF_RANGE, parseAnswer } from './core/answer.js';
export { CATEGORIES, type Category, classify } from './core/classify.js';
export { dayBounds, parseDate } from './core/date.js';
export { adjust, INTERVAL_METHODS, type Interval, type IntervalMethod, interval } from './core/interval.js';
export { criticalValue, normalQuantile } from './core/normal.js';
export { netScore, standardError, variance } from './core/nps.js';
export { type NpsSummary, type Statistics, summarize } from './core/summary.js';
export { type Counts, countsOf, mergeTallies, newTally, sizeOf, type Tally, tallyOf } from './core/tally.js';
