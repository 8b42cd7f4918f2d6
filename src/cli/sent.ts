import { type Command, InvalidArgumentError } from 'commander';
import { isMissingCell } from '../core/answer.js';
import {
  type Cell,
  type ContactCells,
  calibrate,
  calibratedNps,
  contactCellsFold,
  DEFAULT_CALIBRATION,
  EmptyCell,
  type Margin,
  wilsonInterval,
} from '../core/calibrate.js';
import { type Fold, KEY_SEPARATOR, pairFold } from '../core/fold.js';
import { normalQuantile } from '../core/normal.js';
import { compareProportions, holm } from '../core/significance.js';
import type { Statistics } from '../core/summary.js';
import { answersOf, countsOf, mergeTallies, newTally } from '../core/tally.js';
import { inputError, usageError } from '../errors.js';
import { type JoinSpec, parseOn, SENT_PREFIX } from '../io/scan/join.js';
import type { GroupColumn } from '../io/scan/plan.js';
import type { Scan } from '../io/scan/scan.js';
import { formatForHumans, groupLabel, plural } from '../report/format.js';
import type { ReportTable } from '../report/model.js';

/*
 * --sent: the contacts a survey went to (every call, chat, e-mail or invitation), matched to the
 * responses by a key. It gives the response rate (answered ÷ contacts) with its interval, per
 * level of each --adjust margin, and the NPS the responses would give if every contact not heard
 * from were a detractor, or a promoter. --adjust weights the respondents to the contacts' totals
 * (post-stratification on one margin or a cross, raking on several), and gives that NPS beside
 * the unweighted one, with its standard error by linearization.
 */

export interface SentFlags {
  sent?: string;
  sentOn?: string;
  /** The contacts' disposition column, and the values that mean the survey never reached them. */
  sentStatus?: string;
  notDelivered: string[];
  /** The margins: each one column or a cross of several (a:b). */
  adjust?: string[][];
  cap: number;
  weight?: string;
  counts?: boolean;
}

export function addSentOptions(cmd: Command): Command {
  return cmd
    .option('--sent <file>', 'the contacts the survey was sent to (calls, chats, invitations): response rates')
    .option('--sent-on <key>', 'the key that matches a response to its contact: a column of both, or EXPORT=SENT')
    .option(
      '--adjust <margins>',
      'weight the respondents to the contacts: --sent columns, comma-separated (raked), a:b for a cross',
      parseMargins,
    )
    .option('--sent-status <column>', "the contacts' disposition: those not delivered are left out of the rate")
    .option(
      '--not-delivered <values>',
      'the --sent-status values of contacts the survey never reached, comma-separated',
      (value: string) =>
        value
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean),
      NOT_DELIVERED,
    )
    .option('--cap <k>', 'no weight above k times the mean weight, or none', parseCap, DEFAULT_CALIBRATION.cap);
}

function parseMargins(value: string): string[][] {
  const margins = value.split(',').map((m) =>
    m
      .split(':')
      .map((c) => c.trim())
      .filter(Boolean),
  );
  if (margins.some((m) => m.length === 0))
    throw new InvalidArgumentError('name columns of the --sent file, e.g. channel,queue');
  return margins;
}

function parseCap(value: string): number {
  if (value.trim().toLowerCase() === 'none') return Infinity;
  const k = Number(value);
  if (!(k > 1)) throw new InvalidArgumentError('give a multiple of the mean weight above 1 (5 by default), or none');
  return k;
}

/** Dispositions that mean a survey never reached its contact, as contact-centre and survey tools write them. */
const NOT_DELIVERED = [
  'bounced',
  'undeliverable',
  'failed',
  'invalid',
  'ineligible',
  'duplicate',
  'throttled',
  'opted out',
];

const KEY_ROLE = 'sent_key';
/** The distinct contact columns the margins and the status name, in order: a respondent's cell. */
const contactColumns = (flags: SentFlags): string[] => [
  ...new Set([...(flags.adjust ?? []).flat(), ...(flags.sentStatus === undefined ? [] : [flags.sentStatus])]),
];
const roleOf = (column: string) => `${SENT_PREFIX}${column}`;

/** The contacts as a join of the scan, or undefined without --sent; refuses what cannot go with it. */
export function sentSpec(flags: SentFlags): JoinSpec | undefined {
  if (flags.sent === undefined) {
    const given =
      flags.sentOn !== undefined
        ? '--sent-on'
        : flags.adjust !== undefined
          ? '--adjust'
          : flags.sentStatus !== undefined
            ? '--sent-status'
            : undefined;
    if (given)
      throw usageError(`${given} needs the contacts: give --sent FILE`, 'e.g. --sent contacts.csv --sent-on id');
    return undefined;
  }
  if (flags.sentOn === undefined)
    throw usageError(
      '--sent needs the key that matches a response to its contact',
      'e.g. --sent-on id, or --sent-on response_id=id',
    );
  if (flags.counts)
    throw usageError('--sent matches responses to contacts: --counts rows have no key', 'drop --counts');
  if (flags.adjust && flags.weight !== undefined)
    throw usageError('--adjust makes the weights itself, from the contacts', 'drop --weight, or --adjust');
  const on = parseOn(flags.sentOn);
  return {
    file: flags.sent,
    ...on,
    sent: true,
    needs: [
      ...contactColumns(flags).map((column) => ({
        flag: column === flags.sentStatus ? '--sent-status' : '--adjust',
        column,
      })),
    ],
  };
}

/** The contact's key and margin columns, joined onto each response. */
export const sentColumns = (flags: SentFlags): GroupColumn[] => {
  if (flags.sent === undefined) return [];
  const on = parseOn(flags.sentOn ?? '');
  return [
    { role: KEY_ROLE, flag: '--sent-on', spec: roleOf(on.right), value: true },
    ...contactColumns(flags).map(
      (column): GroupColumn => ({
        role: roleOf(column),
        flag: column === flags.sentStatus ? '--sent-status' : '--adjust',
        spec: roleOf(column),
        value: true,
      }),
    ),
  ];
};

/** The command's fold with the contacts' cells beside it, when there are contacts. */
export function withContacts<S>(flags: SentFlags, fold: Fold<S>): Fold<S> | Fold<[S, ContactCells]> {
  return flags.sent === undefined
    ? fold
    : pairFold(fold, contactCellsFold(KEY_ROLE, contactColumns(flags).map(roleOf)));
}

/** The response rate, by margin level, and the adjusted NPS: tables and notes for a report. */
export function contactTables(
  flags: SentFlags,
  scan: Scan<unknown>,
  cells: ContactCells,
  statistics: Statistics,
  decimals: number,
): { tables: ReportTable[]; notes: string[] } {
  const contacts = scan.sent!;
  const file = contacts.spec.file;
  const columns = contactColumns(flags);
  const at = columns.map((column) => contacts.columns.findIndex((c) => c.toLowerCase() === column.toLowerCase()));
  const margins = flags.adjust ?? [];
  const status = flags.sentStatus === undefined ? -1 : columns.indexOf(flags.sentStatus);
  const notDelivered = new Set(flags.notDelivered.map((v) => v.trim().toLowerCase()));
  const undelivered = (values: readonly string[]) => status >= 0 && notDelivered.has(values[status].toLowerCase());
  // Each contact's level of each margin, as the responses' cells name them (a missing cell is empty).
  const levelOf = (values: readonly string[], m: number) =>
    margins[m].map((column) => values[columns.indexOf(column)]).join(':');
  const totals: Map<string, number>[] = margins.map(() => new Map());
  const add = (values: readonly string[], count: number) => {
    for (let m = 0; m < margins.length; m++) {
      const level = levelOf(values, m);
      totals[m].set(level, (totals[m].get(level) ?? 0) + count);
    }
  };
  const statuses = new Map<string, number>();
  let delivered = 0;
  for (const row of contacts.rows.values()) {
    const values = at.map((i) => (isMissingCell(row[i]) ? '' : row[i]));
    if (status >= 0) statuses.set(values[status], (statuses.get(values[status]) ?? 0) + 1);
    if (undelivered(values)) continue;
    delivered++;
    add(values, 1);
  }
  // A contact whose status says it was not reached, yet answered, was reached: it counts as delivered.
  let answeredAnyway = 0;
  const respondents: Cell[] = [...cells.cells].map(([key, tally]) => {
    const values = key.split(KEY_SEPARATOR);
    const counts = countsOf(tally);
    const n = answersOf(tally);
    if (undelivered(values)) {
      answeredAnyway += n;
      add(values, n);
    }
    return {
      levels: margins.map((_, m) => levelOf(values, m)),
      n,
      promoters: counts.promoters,
      detractors: counts.detractors,
    };
  });
  delivered += answeredAnyway;
  const matched = newTally();
  for (const tally of cells.cells.values()) mergeTallies(matched, tally);
  const answered = answersOf(matched);
  const unmatched = answersOf(cells.unmatched);
  const rate = wilsonInterval(answered, delivered, statistics.confidence);
  const { promoters, detractors } = countsOf(matched);
  const silent = delivered - answered;
  const pct = (x: number) => (delivered === 0 ? NaN : (100 * x) / delivered);
  const definition =
    status < 0
      ? `answered ÷ contacts: the responses matched to a contact of ${file}, over its contacts`
      : `answered ÷ delivered: the responses matched to a contact of ${file}, over its contacts less those ` +
        `whose ${flags.sentStatus} is ${[...notDelivered].join(', ')}`;
  const tables: ReportTable[] = [
    {
      name: 'response_rate',
      layout: 'record',
      columns: [
        { key: 'contacts', label: 'Contacts', kind: 'count' },
        { key: 'not_delivered', label: 'Not delivered', kind: 'count' },
        { key: 'delivered', label: 'Delivered', kind: 'count' },
        { key: 'answered', label: 'Answered', kind: 'count' },
        { key: 'response_rate', label: 'Response rate', kind: 'pct' },
        { key: 'rate_lower', label: 'Lower bound', kind: 'pct' },
        { key: 'rate_upper', label: 'Upper bound', kind: 'pct' },
        { key: 'unmatched', label: 'Responses matching no contact', kind: 'count' },
        { key: 'nps_if_silent_detract', label: 'NPS if every contact not heard from were a detractor', kind: 'nps' },
        { key: 'nps_if_silent_promote', label: 'NPS if every contact not heard from were a promoter', kind: 'nps' },
        { key: 'definition', label: 'Rate', kind: 'text' },
      ],
      rows: [
        {
          contacts: contacts.rows.size,
          not_delivered: contacts.rows.size - delivered,
          delivered,
          answered,
          response_rate: pct(answered),
          rate_lower: 100 * rate.lower,
          rate_upper: 100 * rate.upper,
          unmatched,
          nps_if_silent_detract: pct(promoters - detractors - silent),
          nps_if_silent_promote: pct(promoters + silent - detractors),
          definition,
        },
      ],
    },
  ];
  tables.unshift({
    name: 'funnel',
    columns: [
      { key: 'stage', label: 'Stage', kind: 'text' },
      { key: 'count', label: 'Count', kind: 'count' },
      { key: 'share', label: 'Of contacts', kind: 'pct' },
    ],
    rows: [
      ['contacts', contacts.rows.size],
      ...(status < 0 ? [] : [['delivered', delivered] as const]),
      ['answered', answered],
    ].map(([stage, count]) => ({ stage, count, share: (100 * (count as number)) / contacts.rows.size })),
    chart: { kind: 'bars', x: 'stage', y: 'count', horizontal: true },
  });
  if (status >= 0)
    tables.push({
      name: 'dispositions',
      columns: [
        { key: 'status', label: flags.sentStatus!, kind: 'text' },
        { key: 'contacts', label: 'Contacts', kind: 'count' },
        { key: 'delivered', label: 'Delivered', kind: 'boolean' },
      ],
      rows: [...statuses]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([value, count]) => ({
          status: value,
          contacts: count,
          delivered: !notDelivered.has(value.toLowerCase()),
        })),
    });
  const notes = [
    `Response rate: ${definition} (AAPOR's RR1, ${
      status < 0 ? 'every contact counted as eligible and delivered' : 'every delivered contact counted as eligible'
    }).` +
      (answeredAnyway > 0
        ? ` ${answeredAnyway} ${plural(answeredAnyway, 'contact')} whose status says not delivered answered: ` +
          'counted as delivered.'
        : '') +
      (unmatched > 0
        ? ` ${unmatched} ${plural(unmatched, 'response')} matched no contact: counted in NPS, not in the rate` +
          `${margins.length > 0 ? ' nor the adjusted NPS' : ''}.`
        : ''),
  ];
  if (margins.length === 0) return { tables, notes };
  tables.push({
    name: 'response_rates',
    columns: [
      { key: 'margin', label: 'Margin', kind: 'text' },
      { key: 'level', label: 'Level', kind: 'text' },
      { key: 'delivered', label: status < 0 ? 'Contacts' : 'Delivered', kind: 'count' },
      { key: 'answered', label: 'Answered', kind: 'count' },
      { key: 'response_rate', label: 'Response rate', kind: 'pct' },
      { key: 'rate_lower', label: 'Lower bound', kind: 'pct' },
      { key: 'rate_upper', label: 'Upper bound', kind: 'pct' },
      { key: 'rest_rate', label: 'The rest', kind: 'pct' },
      { key: 'p_value', label: 'p vs the rest', kind: 'p', audience: 'machine' },
      { key: 'p_adjusted', label: 'p (Holm)', kind: 'p' },
      { key: 'verdict', label: 'Answers', kind: 'text' },
    ],
    rows: margins.flatMap((margin, m) => rateRows(margin.join(':'), totals[m], respondents, m, answered, statistics)),
    chart: {
      kind: 'intervals',
      label: 'level',
      value: 'response_rate',
      low: 'rate_lower',
      high: 'rate_upper',
      domain: [0, 100],
      tone: { field: 'verdict', up: 'more', down: 'less' },
      facet: 'margin',
    },
  });
  const lagging = (tables.at(-1)?.rows ?? []).filter((row) => row.verdict === 'less');
  if (lagging.length > 0)
    notes.push(
      `Answering less than the rest (each level against the other contacts, Holm-adjusted p < ` +
        `${formatForHumans(1 - statistics.confidence, 'number', { decimals })}): ` +
        lagging
          .map(
            (row) =>
              `${row.margin} ${row.level} ${formatForHumans(row.response_rate as number, 'pct', { decimals })} ` +
              `against ${formatForHumans(row.rest_rate as number, 'pct', { decimals })}`,
          )
          .join('; ') +
        ': who answers is not who was served, the case for --adjust.',
    );
  if (answered === 0)
    throw inputError(
      `--adjust: no response matched a contact of ${file} (on ${flags.sentOn}): there is no one to weight`,
      'check that --sent-on names the same IDs on both sides (EXPORT=SENT when the columns differ)',
    );
  const targets: Margin[] = margins.map((margin, m) => ({ name: margin.join(':'), totals: totals[m] }));
  let calibration: ReturnType<typeof calibrate>;
  try {
    calibration = calibrate(respondents, targets, { ...DEFAULT_CALIBRATION, cap: flags.cap });
  } catch (err) {
    if (!(err instanceof EmptyCell)) throw err;
    throw inputError(
      `--adjust ${err.margin}: ${err.margin} = ${JSON.stringify(err.level)} has ${
        err.side === 'respondents' ? 'contacts in ' : 'respondents but no contacts in '
      }${err.side === 'respondents' ? `${file} but no respondents` : file}: it cannot be weighted`,
      err.side === 'respondents'
        ? `merge it with a like level in ${file} (or adjust on fewer margins)`
        : `check that --sent-on matches responses to their own contacts`,
    );
  }
  if (!calibration.converged)
    throw inputError(
      `--adjust ${targets.map((t) => t.name).join(',')}: raking did not converge in ${calibration.iterations} sweeps`,
      'adjust on fewer margins, or merge levels with few respondents',
    );
  const adjusted = calibratedNps(respondents, targets, calibration);
  const z = normalQuantile(1 - (1 - statistics.confidence) / 2);
  const unweighted = answered === 0 ? NaN : (100 * (promoters - detractors)) / answered;
  const { diagnostics } = calibration;
  const method =
    calibration.method === 'raking'
      ? `raking on ${targets.map((t) => t.name).join(', ')} (${calibration.iterations} sweeps)`
      : `post-stratification on ${targets[0].name}`;
  tables.push({
    name: 'adjusted',
    layout: 'record',
    columns: [
      { key: 'respondents', label: 'Respondents', kind: 'count' },
      { key: 'unadjusted_nps', label: 'NPS, unadjusted', kind: 'nps' },
      { key: 'adjusted_nps', label: 'NPS, adjusted', kind: 'nps' },
      { key: 'lower', label: 'Lower bound', kind: 'nps' },
      { key: 'upper', label: 'Upper bound', kind: 'nps' },
      { key: 'standard_error', label: 'Standard error', kind: 'number' },
      { key: 'method', label: 'Weighting', kind: 'text' },
      { key: 'variance', label: 'Variance', kind: 'text' },
      { key: 'n_eff', label: 'Effective n', kind: 'number' },
      { key: 'efficiency', label: 'Efficiency', kind: 'number' },
      { key: 'weight_min', label: 'Smallest weight', kind: 'number' },
      { key: 'weight_max', label: 'Largest weight', kind: 'number' },
      { key: 'weight_cv', label: 'Weights CV', kind: 'number' },
      { key: 'cap', label: 'Cap (× mean weight)', kind: 'number' },
      { key: 'capped', label: 'Respondents capped', kind: 'count' },
    ],
    rows: [
      {
        respondents: answered,
        unadjusted_nps: unweighted,
        adjusted_nps: adjusted.nps,
        lower: adjusted.nps - z * adjusted.standardError,
        upper: adjusted.nps + z * adjusted.standardError,
        standard_error: adjusted.standardError,
        method,
        variance: 'linearization, calibration residuals',
        n_eff: diagnostics.effectiveN,
        efficiency: diagnostics.efficiency,
        weight_min: diagnostics.min,
        weight_max: diagnostics.max,
        weight_cv: diagnostics.cv,
        cap: Number.isFinite(flags.cap) ? flags.cap : null,
        capped: calibration.capped,
      },
    ],
    // The adjusted NPS and its interval, with a ring at the unadjusted.
    chart: {
      kind: 'intervals',
      value: 'adjusted_nps',
      low: 'lower',
      high: 'upper',
      marker: 'unadjusted_nps',
      reference: 0,
    },
  });
  const shown = (x: number) => formatForHumans(x, 'nps', { decimals });
  const capped = Number.isFinite(flags.cap)
    ? `weights capped at ${flags.cap}× the mean (${calibration.capped} ${plural(calibration.capped, 'respondent')} ` +
      'capped)'
    : 'weights not capped';
  notes.push(
    `Adjusted to the contacts of ${file}: NPS ${shown(adjusted.nps)} where the same respondents unweighted ` +
      `give ${shown(unweighted)}; ${method}, ${capped}; its interval is ±z × the standard error by ` +
      "linearization with the calibration residuals (the contacts' totals are known exactly).",
  );
  return { tables, notes };
}

/**
 * One margin's response rates, level by level, each with its score interval and a test against
 * the rest of the contacts (pooled z, Holm-adjusted over the margin's levels): `less` or `more`
 * when the adjusted p is below 1 − confidence.
 */
function rateRows(
  margin: string,
  totals: ReadonlyMap<string, number>,
  respondents: readonly Cell[],
  m: number,
  answered: number,
  statistics: Statistics,
) {
  const contacts = [...totals.values()].reduce((a, b) => a + b, 0);
  const rows = [...totals].map(([level, count]) => {
    const heard = respondents.reduce((sum, c) => sum + (c.levels[m] === level ? c.n : 0), 0);
    const interval = wilsonInterval(heard, count, statistics.confidence);
    const test = compareProportions(heard, count, answered - heard, contacts - count);
    return {
      margin,
      level: groupLabel(level),
      delivered: count,
      answered: heard,
      response_rate: (100 * heard) / count,
      rate_lower: 100 * interval.lower,
      rate_upper: 100 * interval.upper,
      rest_rate: (100 * (answered - heard)) / (contacts - count),
      p_value: test.p,
      z: test.z,
    };
  });
  const adjusted = holm(rows.map((row) => row.p_value));
  return rows.map(({ z, ...row }, i) => ({
    ...row,
    p_adjusted: adjusted[i],
    verdict: adjusted[i] < 1 - statistics.confidence ? (z < 0 ? 'less' : 'more') : '',
  }));
}
