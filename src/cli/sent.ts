import { type Command, InvalidArgumentError } from 'commander';
import { isMissingCell } from '../core/answer.js';
import {
  type Calibration,
  type Cell,
  type ContactAnswers,
  calibrate,
  calibratedDifference,
  calibratedNps,
  contactAnswersFold,
  DEFAULT_CALIBRATION,
  EmptyCell,
  type Margin,
  type WeightedNps,
  wilsonInterval,
} from '../core/calibrate.js';
import { type DateOrder, isSlashDate, parseDate } from '../core/date.js';
import { entry } from '../core/entry.js';
import { type Fold, KEY_SEPARATOR, pairFold } from '../core/fold.js';
import { criticalValue, twoSidedP } from '../core/normal.js';
import { type Calendar, periodKey, periodLabel } from '../core/period.js';
import { compareProportions, holm } from '../core/significance.js';
import type { Statistics } from '../core/summary.js';
import { answersOf, countsOf, mergeTallies, newTally, type Tally } from '../core/tally.js';
import { compareText } from '../core/text.js';
import { UTC } from '../core/zone.js';
import { inputError, usageError } from '../errors.js';
import { type JoinSpec, MATCHED_COLUMN, parseOn, SENT_PREFIX } from '../io/scan/join.js';
import { isWrittenDate, normalize } from '../io/scan/mapping.js';
import type { GroupColumn, WhereClause } from '../io/scan/plan.js';
import { type Condition, passes } from '../io/scan/rows.js';
import type { Scan } from '../io/scan/scan.js';
import { formatForHumans, groupLabel, plural } from '../report/format.js';
import type { Column, ReportTable } from '../report/model.js';
import type { CommandContext, ScanSpec } from './command.js';

/*
 * --sent: the contacts a survey went to (every call, chat, e-mail or invitation), matched to the
 * responses by a key. It gives the response rate (answered ÷ contacts) with its interval, per
 * level of each --adjust margin and of the command's own groups or periods, and the NPS the
 * responses would give if every contact not heard from were a detractor, or a promoter. --adjust
 * weights the respondents to the contacts' totals (post-stratification on one margin or a cross,
 * raking on several), and gives that NPS beside the unweighted one, overall and per group or
 * period, with its standard error by linearization.
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
  where?: readonly WhereClause[];
  since?: unknown;
  until?: unknown;
  last?: unknown;
  cluster?: string;
  /** trend: the contacts' date column (default: detected). */
  sentDate?: string;
  /** The --score columns: the contacts are counted on one question. */
  score?: string[];
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
  const names = margins.map((m) => m.join(':').toLowerCase());
  if (new Set(names).size < names.length) throw new InvalidArgumentError('name each margin once');
  return margins;
}

function parseCap(value: string): number {
  if (value.trim().toLowerCase() === 'none') return Infinity;
  const k = Number(value);
  if (!(k > 1)) throw new InvalidArgumentError('give a multiple of the mean weight above 1 (5 by default), or none');
  return k;
}

/**
 * Dispositions that mean the survey never reached an eligible contact, as contact-centre and
 * survey tools write them (an opt-out is a refusal: it stays in the rate).
 */
const NOT_DELIVERED = ['bounced', 'undeliverable', 'failed', 'invalid', 'ineligible', 'duplicate', 'throttled'];

const CONTACT_ROLE = 'sent_contact';
/** The distinct contact columns the margins and the status name, in order. */
const contactColumns = (flags: SentFlags): string[] => [
  ...new Set([...(flags.adjust ?? []).flat(), ...(flags.sentStatus === undefined ? [] : [flags.sentStatus])]),
];
const roleOf = (column: string) => `${SENT_PREFIX}${column}`;

/** The first of these options that was given (in the order written), by its flag. */
const firstGiven = (options: Record<string, unknown>): string | undefined =>
  Object.entries(options).find(([, value]) => value !== undefined)?.[0];

/** The contacts as a join of the scan, or undefined without --sent; refuses what cannot go with it. */
export function sentSpec(flags: SentFlags): JoinSpec | undefined {
  if (flags.sent === undefined) {
    const given = firstGiven({
      '--sent-on': flags.sentOn,
      '--adjust': flags.adjust,
      '--sent-status': flags.sentStatus,
      '--sent-date': flags.sentDate,
    });
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
  if (flags.weight !== undefined)
    throw usageError(
      '--sent counts contacts and --adjust makes the weights itself: --weight has no place beside them',
      'drop --weight',
    );
  // A filter of the responses would leave the contacts whole: the rate would compare unlike sets.
  const filter = firstGiven({ '--since': flags.since, '--until': flags.until, '--last': flags.last });
  const other = (flags.where ?? []).find((w) => !w.column.trim().toLowerCase().startsWith(SENT_PREFIX));
  if (other)
    throw usageError(
      `--sent with --where ${other.column}: the responses would be filtered, the contacts not`,
      "filter on the contacts' own columns (--where sent:channel=chat), which keeps the same contacts on both sides",
    );
  if (filter)
    throw usageError(
      `--sent with ${filter}: the responses would be cut to a period, the contacts not`,
      'give --sent the contacts of the same period, and drop the filter',
    );
  if (flags.adjust && flags.cluster !== undefined)
    throw usageError(
      '--adjust with --cluster: weighting clustered responses is not done yet',
      'drop --cluster or --adjust',
    );
  if ((flags.score?.length ?? 0) > 1)
    throw usageError('--sent counts the contacts that answered one question', 'give one --score');
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
      ...(flags.sentDate === undefined ? [] : [{ flag: '--sent-date', column: flags.sentDate }]),
    ],
  };
}

/** The contact's key, joined onto each response: whether it matched one, and which. */
const sentColumns = (): GroupColumn[] => [
  { role: CONTACT_ROLE, flag: '--sent-on', spec: roleOf(MATCHED_COLUMN), value: true },
];

/**
 * The command's scan, with the contacts joined and their answers folded beside the command's own
 * when --sent is given: the scan as the command's fold left it, and the contacts' answers.
 */
export async function scanWithContacts<S>(
  scan: CommandContext<unknown>['scan'],
  flags: SentFlags,
  spec: ScanSpec,
  fold: Fold<S>,
): Promise<{ result: Scan<S>; contacts?: ContactAnswers }> {
  const sent = sentSpec(flags);
  if (sent === undefined) return { result: await scan(spec, fold) };
  const both = await scan(
    { ...spec, groups: [...(spec.groups ?? []), ...sentColumns()], sent },
    pairFold(fold, contactAnswersFold(CONTACT_ROLE)),
  );
  return {
    result: { ...both, state: both.state[0], questions: both.questions.map((q) => ({ ...q, state: q.state[0] })) },
    contacts: both.questions[0].state[1],
  };
}

/**
 * A way to split the contacts for their response rates (and the adjusted NPS): a column of theirs
 * or a cross of several, or a value read from one, such as the period of a date.
 */
export interface Breakdown {
  readonly name: string;
  /** A contact's level, from its row of the contacts file. */
  readonly levelOf: (row: readonly string[]) => string;
  /** Whether each level's rate is tested against the rest's (periods are not). */
  readonly tested: boolean;
  /** How a contact's level is read, when it is not a column's value. */
  readonly rule?: string;
}

/** The contacts file's columns `columns` (a cross when several) as a breakdown; `flag` names them when missing. */
export function columnBreakdown(scan: Scan<unknown>, columns: readonly string[], flag: string): Breakdown {
  const contacts = scan.sent!;
  // A contact's own column joined onto the responses is named sent:column.
  const own = columns.map((name) =>
    name.toLowerCase().startsWith(SENT_PREFIX) ? name.slice(SENT_PREFIX.length) : name,
  );
  const at = own.map((name) => {
    const index = contactColumn(scan, name);
    if (index < 0)
      throw usageError(
        `${flag} ${name}: ${contacts.spec.file} has no column ${JSON.stringify(name)}`,
        `name it alike in both files, or give --sent a file with it (its columns: ${contacts.columns
          .filter((c) => c !== MATCHED_COLUMN)
          .join(', ')})`,
      );
    return index;
  });
  return {
    name: own.join(':'),
    levelOf: (row) => at.map((i) => (isMissingCell(row[i]) ? '' : row[i])).join(KEY_SEPARATOR),
    tested: true,
  };
}

/** A breakdown and where its levels are among a cell's. */
interface IndexedBreakdown {
  readonly breakdown: Breakdown;
  readonly index: number;
}

/** Each level of `margin` within each level of `within` (a channel within a quarter). */
const crossed = (margin: Breakdown, within: Breakdown): Breakdown => ({
  name: `${margin.name} within ${within.name}`,
  levelOf: (row) => `${margin.levelOf(row)}${KEY_SEPARATOR}${within.levelOf(row)}`,
  tested: false,
});

/**
 * The contacts' periods: each contact's date (the --sent-date column, or the one column of the
 * contacts whose values are all dates) cut into the calendar's periods in the scan's zone. Slash
 * dates are read in the order that reads all of them, else in the responses' order.
 */
export function periodBreakdown(flags: SentFlags, scan: Scan<unknown>, calendar: Calendar): Breakdown {
  const contacts = scan.sent!;
  const file = contacts.spec.file;
  const index =
    flags.sentDate === undefined
      ? dateColumn(contacts.columns, [...contacts.rows.values()].slice(0, DATE_SAMPLE), file)
      : contactColumn(scan, flags.sentDate);
  // Only slash dates read differently in the two orders.
  const slashed = [...contacts.rows.values()].map((row) => row[index]).filter((v) => v && isSlashDate(v));
  const reads = (order: DateOrder) => slashed.every((v) => !Number.isNaN(parseDate(v, UTC, order)));
  const preferred = scan.dateOrder?.order ?? 'dmy';
  const other = preferred === 'dmy' ? 'mdy' : 'dmy';
  const order = reads(preferred) || !reads(other) ? preferred : other;
  // A contact's period is asked for by each breakdown crossed with it: read its date once.
  const periods = new WeakMap<readonly string[], string>();
  return {
    name: calendar.unit,
    rule:
      `each contact counts in the ${calendar.unit} of its ${contacts.columns[index]}, ` +
      "each response in its contact's",
    levelOf: (row) => {
      let period = periods.get(row);
      if (period === undefined) {
        const wall = isMissingCell(row[index]) ? NaN : parseDate(row[index], scan.zone, order);
        period = Number.isNaN(wall) ? '' : periodLabel(periodKey(wall, calendar), calendar);
        periods.set(row, period);
      }
      return period;
    },
    tested: false,
  };
}

/** Contacts whose dates are looked at to find the column of dates. */
const DATE_SAMPLE = 1000;

/** The one column whose sampled values are all written dates (bare numbers are IDs and counts as often). */
function dateColumn(columns: readonly string[], sample: readonly (readonly string[])[], file: string): number {
  const found = columns
    .map((name, i) => ({ name, i }))
    .filter(({ name, i }) => {
      if (name === MATCHED_COLUMN) return false;
      const values = sample.map((row) => row[i]).filter((v) => !isMissingCell(v));
      return values.length > 0 && values.every(isWrittenDate);
    });
  if (found.length === 1) return found[0].i;
  throw usageError(
    found.length === 0
      ? `--sent: ${file} has no column of dates to cut into periods`
      : `--sent: ${file} has ${found.length} columns of dates (${found.map((f) => f.name).join(', ')})`,
    found.length === 0 ? 'name it with --sent-date COLUMN' : 'name the one the contacts were made on with --sent-date',
  );
}

/** What the contacts and the responses matched to them count to, before any table is made. */
interface ContactCounts {
  readonly file: string;
  /** Contacts listed, after any `--where sent:` clause. */
  readonly listed: number;
  /** Contacts the survey reached: listed, less those not delivered that did not answer anyway. */
  readonly delivered: number;
  /** Contacts that answered, each once, however many times it did. */
  readonly answered: number;
  /** Contacts marked not delivered that answered. */
  readonly answeredAnyway: number;
  /** Contacts that answered more than once. */
  readonly repeated: number;
  /** Responses matched to a contact, and their promoters and detractors. */
  readonly responses: number;
  readonly promoters: number;
  readonly detractors: number;
  readonly unmatched: number;
  /** Each status: its contacts, and how many of them answered. */
  readonly statuses: Map<string, { contacts: number; answered: number }>;
  /** Per breakdown (the margins, then the command's own): each level's delivered contacts, and those that answered. */
  readonly levels: { delivered: Map<string, number>; answered: Map<string, number> }[];
  /** The responses' cells, each with its level of every breakdown, for weighting. */
  readonly respondents: Cell[];
}

/**
 * The index of a column of the contacts, named as the user wrote it: as the lookup resolved it for
 * the options it checks (a name or a number), else by name (a group column); -1 when it has none.
 */
const contactColumn = (scan: Scan<unknown>, name: string): number =>
  scan.sent!.needed.get(name) ?? scan.sent!.columns.findIndex((c) => normalize(c) === normalize(name));

/** A margin level as its cell key holds it, and as people read it (a cross joined with `:`). */
const levelText = (level: string) => groupLabel(level.split(KEY_SEPARATOR).join(':'));

function countContacts(
  flags: SentFlags,
  scan: Scan<unknown>,
  found: ContactAnswers,
  breakdowns: readonly Breakdown[],
): ContactCounts {
  const contacts = scan.sent!;
  const indexOf = (name: string) => contactColumn(scan, name);
  const status = flags.sentStatus === undefined ? -1 : indexOf(flags.sentStatus);
  const statusOf = (row: readonly string[]) => (isMissingCell(row[status]) ? '' : row[status]);
  const notDelivered = new Set(flags.notDelivered.map((v) => v.trim().toLowerCase()));
  const undelivered = (row: readonly string[]) => status >= 0 && notDelivered.has(statusOf(row).toLowerCase());
  // --where sent:column=value keeps the contacts it keeps of the responses.
  const where: Condition[] = (flags.where ?? []).map((w) => ({
    index: indexOf(w.column.slice(SENT_PREFIX.length)),
    value: w.value,
    equal: w.equal,
  }));
  const levels = breakdowns.map(() => ({ delivered: new Map<string, number>(), answered: new Map<string, number>() }));
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const countLevels = (row: readonly string[], side: 'delivered' | 'answered') => {
    for (let b = 0; b < breakdowns.length; b++) count(levels[b][side], breakdowns[b].levelOf(row));
  };
  const statuses = new Map<string, { contacts: number; answered: number }>();
  let listed = 0;
  let delivered = 0;
  for (const row of contacts.rows.values()) {
    if (!passes(row, where)) continue;
    listed++;
    if (status >= 0) entry(statuses, statusOf(row), () => ({ contacts: 0, answered: 0 })).contacts++;
    if (undelivered(row)) continue;
    delivered++;
    countLevels(row, 'delivered');
  }
  // Each contact that answered, once; one marked not delivered was reached all the same. Its
  // answers join those of the contacts alike in every breakdown: a cell.
  let answeredAnyway = 0;
  const cells = new Map<string, { levels: string[]; tally: Tally }>();
  const matched = newTally();
  for (const [key, tally] of found.answers) {
    const row = contacts.rows.get(key)!;
    mergeTallies(matched, tally);
    if (status >= 0) statuses.get(statusOf(row))!.answered++;
    countLevels(row, 'answered');
    const cellLevels = breakdowns.map((b) => b.levelOf(row));
    mergeTallies(
      entry(cells, cellLevels.join(CELL_SEPARATOR), () => ({ levels: cellLevels, tally: newTally() })).tally,
      tally,
    );
    if (!undelivered(row)) continue;
    answeredAnyway++;
    countLevels(row, 'delivered');
  }
  const respondents: Cell[] = [...cells.values()].map(({ levels, tally }) => {
    const { promoters, detractors } = countsOf(tally);
    return { levels, n: answersOf(tally), promoters, detractors };
  });
  const { promoters, detractors } = countsOf(matched);
  const responses = answersOf(matched);
  return {
    file: contacts.spec.file,
    listed,
    delivered: delivered + answeredAnyway,
    answered: found.answers.size,
    answeredAnyway,
    repeated: responses - found.answers.size,
    responses,
    promoters,
    detractors,
    unmatched: answersOf(found.unmatched),
    statuses,
    levels,
    respondents,
  };
}

/** Joins a cell's levels, each of which may hold KEY_SEPARATOR (a cross). */
const CELL_SEPARATOR = '\u0001';

/**
 * The funnel, the response rate (overall, per status, per level of each margin and of `by`) and the
 * adjusted NPS (overall, and per level of `by`): tables and notes.
 */
export function contactTables(
  flags: SentFlags,
  scan: Scan<unknown>,
  found: ContactAnswers,
  statistics: Statistics,
  decimals: number,
  split: { by?: readonly Breakdown[]; within?: Breakdown } = {},
): { tables: ReportTable[]; notes: string[] } {
  const margins = (flags.adjust ?? []).map((margin) => columnBreakdown(scan, margin, '--adjust'));
  const { within, by = [] } = split;
  // Weighted within each period: every margin crossed with it, so each period's respondents add
  // up to that period's own contacts. The margins' rates are shown whole.
  const weightedOn = within ? margins.map((margin) => crossed(margin, within)) : margins;
  const breakdowns = [...weightedOn, ...(within ? margins : []), ...(within ? [within] : []), ...by];
  const indexed = (list: readonly Breakdown[], from: number) =>
    list.map((breakdown, i) => ({ breakdown, index: from + i }));
  const ratedMargins = indexed(margins, within ? weightedOn.length : 0);
  const domains = indexed(within ? [within, ...by] : by, breakdowns.length - by.length - (within ? 1 : 0));
  const counts = countContacts(flags, scan, found, breakdowns);
  const { file, delivered, answered } = counts;
  const status = flags.sentStatus;
  const rate = wilsonInterval(answered, delivered, statistics.confidence);
  const silent = delivered - answered;
  const ofDelivered = (x: number) => (delivered === 0 ? NaN : (100 * x) / delivered);
  const notDelivered = flags.notDelivered.map((v) => v.trim().toLowerCase());
  const definition =
    status === undefined
      ? `answered ÷ contacts: the contacts of ${file} matched by a response, over all of them`
      : `answered ÷ delivered: the contacts of ${file} matched by a response, over those whose ${status} ` +
        `is not ${notDelivered.join(', ')} (or that answered)`;
  const tables: ReportTable[] = [
    {
      name: 'funnel',
      title: 'Who answered',
      columns: [
        { key: 'stage', label: 'Stage', kind: 'text' },
        { key: 'count', label: 'Contacts', kind: 'count' },
        { key: 'share', label: 'Of those listed', kind: 'pct' },
      ],
      rows: [
        ['listed', counts.listed],
        ...(status === undefined ? [] : [['delivered', delivered] as const]),
        ['answered', answered],
      ].map(([stage, n]) => ({ stage, count: n, share: (100 * (n as number)) / counts.listed })),
      chart: { kind: 'bars', x: 'stage', y: 'count', horizontal: true },
    },
    {
      name: 'response_rate',
      title: 'Response rate',
      layout: 'record',
      columns: [
        { key: 'contacts', label: 'Contacts', kind: 'count' },
        { key: 'not_delivered', label: 'Not delivered', kind: 'count' },
        { key: 'delivered', label: 'Delivered', kind: 'count' },
        { key: 'answered', label: 'Answered', kind: 'count' },
        ...RATE_COLUMNS,
        { key: 'responses', label: 'Responses matched', kind: 'count' },
        { key: 'unmatched', label: 'Responses matching no contact', kind: 'count' },
        { key: 'nps_if_silent_detract', label: 'NPS if every contact not heard from were a detractor', kind: 'nps' },
        { key: 'nps_if_silent_promote', label: 'NPS if every contact not heard from were a promoter', kind: 'nps' },
        { key: 'definition', label: 'Rate', kind: 'text' },
      ],
      rows: [
        {
          contacts: counts.listed,
          not_delivered: counts.listed - delivered,
          delivered,
          answered,
          response_rate: ofDelivered(answered),
          rate_lower: 100 * rate.lower,
          rate_upper: 100 * rate.upper,
          responses: counts.responses,
          unmatched: counts.unmatched,
          // The responses' own answers, and every delivered contact not heard from as one answer more.
          nps_if_silent_detract: npsOf(counts.promoters, counts.detractors + silent, counts.responses + silent),
          nps_if_silent_promote: npsOf(counts.promoters + silent, counts.detractors, counts.responses + silent),
          definition,
        },
      ],
    },
  ];
  if (status !== undefined)
    tables.push({
      name: 'dispositions',
      title: 'Contacts by status',
      columns: [
        { key: 'status', label: status, kind: 'text' },
        { key: 'contacts', label: 'Contacts', kind: 'count' },
        { key: 'answered', label: 'Answered', kind: 'count' },
        { key: 'not_delivered', label: 'Not delivered', kind: 'boolean' },
      ],
      rows: [...counts.statuses]
        .sort((a, b) => b[1].contacts - a[1].contacts || a[0].localeCompare(b[0]))
        .map(([value, n]) => ({
          status: groupLabel(value),
          contacts: n.contacts,
          answered: n.answered,
          not_delivered: notDelivered.includes(value.toLowerCase()),
        })),
    });
  const notes = [
    `Response rate: ${definition}${status === undefined ? " (AAPOR's RR1, every contact counted as eligible)" : ''}.` +
      (counts.answeredAnyway > 0
        ? ` ${counts.answeredAnyway} ${plural(counts.answeredAnyway, 'contact')} marked not delivered answered: ` +
          'counted as delivered.'
        : '') +
      (counts.repeated > 0
        ? ` ${counts.repeated} ${plural(counts.repeated, 'response')} came from a contact that had answered already: ` +
          'the rate counts each contact once, NPS every response (--dedupe keeps one).'
        : '') +
      (counts.unmatched > 0
        ? ` ${counts.unmatched} ${plural(counts.unmatched, 'response')} matched no contact: counted in NPS, not in ` +
          `the rate${flags.adjust ? ' nor the adjusted NPS' : ''}.`
        : ''),
  ];
  if (within?.rule) notes.push(`Response rates and adjusted NPS by ${within.name}: ${within.rule}.`);
  if (breakdowns.length === 0) return { tables, notes };
  const rates = rateTable(flags, [...ratedMargins, ...domains], counts, statistics);
  tables.push(rates);
  const lagging = rates.rows.filter((row) => row.verdict === 'less');
  if (lagging.length > 0)
    notes.push(
      'Answering less than the rest (each level against the other contacts, Holm-adjusted p < ' +
        `${formatForHumans(1 - statistics.confidence, 'number', { decimals })}): ` +
        lagging
          .map(
            (row) =>
              `${row.by} ${row.level} ${formatForHumans(row.response_rate as number, 'pct', { decimals })} ` +
              `against ${formatForHumans(row.rest_rate as number, 'pct', { decimals })}`,
          )
          .join('; ') +
        `: who answers is not who was served${flags.adjust ? '' : ', the case for --adjust'}.`,
    );
  if (!flags.adjust) return { tables, notes };
  const weighted = weighting(flags, weightedOn, counts);
  const adjusted = adjustedTable(flags, weighted, counts, statistics, decimals);
  tables.push(adjusted.table);
  if (domains.length > 0) tables.push(adjustedByTable(domains, weighted, counts, statistics));
  return { tables, notes: [...notes, adjusted.note] };
}

/**
 * A weighted NPS ± z standard errors, kept within ±limit: NPS lies in −100..100 (a difference of
 * two in −200..200), whatever a wide interval says.
 */
const bounded = ({ nps, standardError }: WeightedNps, z: number, limit: number) => ({
  lower: Math.max(-limit, nps - z * standardError),
  upper: Math.min(limit, nps + z * standardError),
});

/** NPS of promoters and detractors among n answers. */
const npsOf = (promoters: number, detractors: number, n: number) =>
  n === 0 ? NaN : (100 * (promoters - detractors)) / n;

/** The adjusted NPS of some respondents, beside their unadjusted NPS. */
const ADJUSTED_COLUMNS: Column[] = [
  { key: 'respondents', label: 'Responses', kind: 'count' },
  { key: 'unadjusted_nps', label: 'NPS, unadjusted', kind: 'nps' },
  { key: 'adjusted_nps', label: 'NPS, adjusted', kind: 'nps' },
  { key: 'lower', label: 'Lower bound', kind: 'nps' },
  { key: 'upper', label: 'Upper bound', kind: 'nps' },
];

const RATE_COLUMNS: Column[] = [
  { key: 'response_rate', label: 'Response rate', kind: 'pct' },
  { key: 'rate_lower', label: 'Lower bound', kind: 'pct' },
  { key: 'rate_upper', label: 'Upper bound', kind: 'pct' },
];

/**
 * Each breakdown's response rates, level by level, each with its score interval and, where the
 * breakdown is tested, a test against the rest of the contacts (pooled z, Holm-adjusted over its
 * levels): `less` or `more` when the adjusted p is below 1 − confidence.
 */
function rateTable(
  flags: SentFlags,
  breakdowns: readonly IndexedBreakdown[],
  counts: ContactCounts,
  statistics: Statistics,
): ReportTable {
  const rows = breakdowns.flatMap(({ breakdown, index }) => {
    const { delivered, answered } = counts.levels[index];
    const tested = [...delivered]
      .sort((x, y) => compareText(x[0], y[0]))
      .map(([level, contacts]) => {
        const heard = answered.get(level) ?? 0;
        const interval = wilsonInterval(heard, contacts, statistics.confidence);
        const rest = { heard: counts.answered - heard, contacts: counts.delivered - contacts };
        return {
          row: {
            by: breakdown.name,
            level: levelText(level),
            delivered: contacts,
            answered: heard,
            response_rate: (100 * heard) / contacts,
            rate_lower: 100 * interval.lower,
            rate_upper: 100 * interval.upper,
            rest_rate: (100 * rest.heard) / rest.contacts,
          },
          test: breakdown.tested ? compareProportions(heard, contacts, rest.heard, rest.contacts) : undefined,
        };
      });
    const adjusted = holm(tested.map((t) => t.test?.p ?? NaN));
    return tested.map(({ row, test }, i) => ({
      ...row,
      p_value: test?.p ?? null,
      p_adjusted: test ? adjusted[i] : null,
      verdict: test && adjusted[i] < 1 - statistics.confidence ? (test.z < 0 ? 'less' : 'more') : '',
    }));
  });
  return {
    name: 'response_rates',
    title: 'Response rate by level',
    columns: [
      { key: 'by', label: 'By', kind: 'text' },
      { key: 'level', label: 'Level', kind: 'text' },
      { key: 'delivered', label: flags.sentStatus === undefined ? 'Contacts' : 'Delivered', kind: 'count' },
      { key: 'answered', label: 'Answered', kind: 'count' },
      ...RATE_COLUMNS,
      { key: 'rest_rate', label: 'The rest', kind: 'pct' },
      { key: 'p_value', label: 'p vs the rest', kind: 'p', audience: 'machine' },
      { key: 'p_adjusted', label: 'p (Holm)', kind: 'p' },
      { key: 'verdict', label: 'Answers', kind: 'text' },
    ],
    rows,
    chart: {
      kind: 'intervals',
      label: 'level',
      value: 'response_rate',
      low: 'rate_lower',
      high: 'rate_upper',
      domain: [0, 100],
      tone: { field: 'verdict', up: 'more', down: 'less' },
      facet: 'by',
    },
  };
}

/** The respondents weighted to the delivered contacts of each margin's levels, and how. */
interface Weighting {
  readonly targets: Margin[];
  readonly calibration: Calibration;
  readonly method: string;
}

function weighting(flags: SentFlags, margins: readonly Breakdown[], counts: ContactCounts): Weighting {
  const { file, respondents } = counts;
  if (counts.responses === 0)
    throw inputError(
      `--adjust: no response matched a contact of ${file} (on ${flags.sentOn}): there is no one to weight`,
      'check that --sent-on names the same IDs on both sides (EXPORT=SENT when the columns differ)',
    );
  const targets: Margin[] = margins.map((margin, m) => ({ name: margin.name, totals: counts.levels[m].delivered }));
  let calibration: Calibration;
  try {
    calibration = calibrate(respondents, targets, { ...DEFAULT_CALIBRATION, cap: flags.cap });
  } catch (err) {
    if (!(err instanceof EmptyCell)) throw err;
    const level = levelText(err.level);
    throw inputError(
      err.side === 'respondents'
        ? `--adjust ${err.margin}: ${err.margin} ${level} has delivered contacts in ${file} but no respondents: ` +
            'it cannot be weighted'
        : `--adjust ${err.margin}: ${err.margin} ${level} has respondents but no delivered contacts in ${file}`,
      err.side === 'respondents'
        ? `merge it with a like level in ${file} (or adjust on fewer margins)`
        : 'check that --sent-on matches responses to their own contacts',
    );
  }
  if (!calibration.converged)
    throw inputError(
      `--adjust ${targets.map((t) => t.name).join(',')}: raking did not converge in ${calibration.iterations} sweeps`,
      'adjust on fewer margins, or merge levels with few respondents',
    );
  const method =
    calibration.method === 'raking'
      ? `raking on ${targets.map((t) => t.name).join(', ')} (${calibration.iterations} ` +
        `${plural(calibration.iterations, 'sweep')})`
      : `post-stratification on ${targets[0].name}`;
  return { targets, calibration, method };
}

/** The adjusted NPS beside the unadjusted, and the weights. */
function adjustedTable(
  flags: SentFlags,
  { targets, calibration, method }: Weighting,
  counts: ContactCounts,
  statistics: Statistics,
  decimals: number,
): { table: ReportTable; note: string } {
  const { file, respondents } = counts;
  const adjusted = calibratedNps(respondents, targets, calibration);
  const z = criticalValue(statistics.confidence);
  const unadjusted = npsOf(counts.promoters, counts.detractors, counts.responses);
  const { diagnostics } = calibration;
  const table: ReportTable = {
    name: 'adjusted',
    title: 'NPS weighted to the contacts',
    layout: 'record',
    columns: [
      ...ADJUSTED_COLUMNS,
      { key: 'standard_error', label: 'Standard error', kind: 'number' },
      { key: 'method', label: 'Weighting', kind: 'text' },
      { key: 'variance', label: 'Variance', kind: 'text' },
      { key: 'n_eff', label: "Kish's effective n", kind: 'number' },
      { key: 'efficiency', label: "Kish's efficiency", kind: 'number' },
      { key: 'weight_min', label: 'Smallest weight', kind: 'number' },
      { key: 'weight_max', label: 'Largest weight', kind: 'number' },
      { key: 'weight_cv', label: 'Weights CV', kind: 'number' },
      { key: 'cap', label: 'Cap (× mean weight)', kind: 'number' },
      { key: 'capped', label: 'Responses capped', kind: 'count' },
    ],
    rows: [
      {
        respondents: counts.responses,
        unadjusted_nps: unadjusted,
        adjusted_nps: adjusted.nps,
        ...bounded(adjusted, z, 100),
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
  };
  const shown = (x: number) => formatForHumans(x, 'nps', { decimals });
  const capped = Number.isFinite(flags.cap)
    ? `weights capped at ${flags.cap}× the mean (${calibration.capped} ${plural(calibration.capped, 'response')} ` +
      'capped)'
    : 'weights not capped';
  const note =
    `Adjusted to the delivered contacts of ${file}: NPS ${shown(adjusted.nps)} where the same responses unweighted ` +
    `give ${shown(unadjusted)}; ${method}, ${capped}; its interval is ±z × the standard error by ` +
    "linearization with the calibration residuals (the contacts' totals are known exactly).";
  return { table, note };
}

/**
 * The adjusted NPS of each level of the `by` breakdowns among the respondents, under the weights
 * of all of them, beside its unadjusted NPS: a domain of the calibrated sample, its standard error
 * by linearization with every other respondent's influence zero. Each level is compared with the
 * rest (a group) or the level before (a period) by the same linearization: a z test, Holm-adjusted
 * over the breakdown's comparisons.
 */
function adjustedByTable(
  by: readonly IndexedBreakdown[],
  { targets, calibration }: Weighting,
  counts: ContactCounts,
  statistics: Statistics,
): ReportTable {
  const z = criticalValue(statistics.confidence);
  const { respondents } = counts;
  const rows = by.flatMap(({ breakdown, index }) => {
    const levels = new Map<string, { n: number; net: number }>();
    for (const cell of respondents) {
      const at = entry(levels, cell.levels[index], () => ({ n: 0, net: 0 }));
      at.n += cell.n;
      at.net += cell.promoters - cell.detractors;
    }
    const sorted = [...levels].sort((x, y) => compareText(x[0], y[0]));
    const compared = sorted.map(([level], i) => {
      const own = { index, level };
      if (breakdown.tested)
        return sorted.length > 1
          ? calibratedDifference(respondents, targets, calibration, own, { ...own, complement: true })
          : undefined;
      return i === 0
        ? undefined
        : calibratedDifference(respondents, targets, calibration, own, { index, level: sorted[i - 1][0] });
    });
    const p = compared.map((d) => (d === undefined ? NaN : twoSidedP(d.nps / d.standardError)));
    const adjustedP = holm(p);
    return sorted.map(([level, { n, net }], i) => {
      const adjusted = calibratedNps(respondents, targets, calibration, { index, level });
      const difference = compared[i];
      const significant = adjustedP[i] < 1 - statistics.confidence;
      return {
        by: breakdown.name,
        level: levelText(level),
        respondents: n,
        unadjusted_nps: (100 * net) / n,
        adjusted_nps: adjusted.nps,
        ...bounded(adjusted, z, 100),
        standard_error: adjusted.standardError,
        compared_with: difference === undefined ? '' : breakdown.tested ? 'the rest' : 'the period before',
        difference: difference?.nps ?? null,
        ...(difference === undefined
          ? { difference_lower: null, difference_upper: null }
          : (({ lower, upper }) => ({ difference_lower: lower, difference_upper: upper }))(
              bounded(difference, z, 200),
            )),
        difference_se: difference?.standardError ?? null,
        p_value: difference === undefined ? null : p[i],
        p_adjusted: difference === undefined ? null : adjustedP[i],
        verdict: difference === undefined || !significant ? '' : difference.nps > 0 ? 'above' : 'below',
      };
    });
  });
  return {
    name: 'adjusted_by',
    title: 'NPS weighted to the contacts, by level',
    columns: [
      { key: 'by', label: 'By', kind: 'text' },
      { key: 'level', label: 'Level', kind: 'text' },
      ...ADJUSTED_COLUMNS,
      { key: 'standard_error', label: 'Standard error', kind: 'number', audience: 'machine' },
      { key: 'compared_with', label: 'Against', kind: 'text', audience: 'machine' },
      {
        key: 'difference',
        label: by.every((b) => b.breakdown.tested)
          ? 'vs the rest'
          : by.every((b) => !b.breakdown.tested)
            ? 'Change'
            : 'Difference',
        kind: 'nps',
      },
      { key: 'difference_lower', label: 'Difference lower bound', kind: 'nps', audience: 'machine' },
      { key: 'difference_upper', label: 'Difference upper bound', kind: 'nps', audience: 'machine' },
      { key: 'difference_se', label: 'Difference standard error', kind: 'number', audience: 'machine' },
      { key: 'p_value', label: 'p', kind: 'p', audience: 'machine' },
      { key: 'p_adjusted', label: 'p (Holm)', kind: 'p' },
      { key: 'verdict', label: 'Significant', kind: 'text' },
    ],
    rows,
    chart: {
      kind: 'intervals',
      label: 'level',
      value: 'adjusted_nps',
      low: 'lower',
      high: 'upper',
      marker: 'unadjusted_nps',
      reference: 0,
      facet: 'by',
    },
  };
}
