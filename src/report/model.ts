/**
 * The neutral shape of every command's output. Commands build it from statistics; renderers turn
 * it into a terminal table, CSV, JSON or Markdown without knowing what NPS is.
 */

/** How a value is displayed: the one formatter (format.ts) knows each kind. */
export type Kind =
  | 'text' // free text from the data or the tool
  | 'date' // a day, YYYY-MM-DD: text everywhere, a date in a workbook
  | 'count' // a whole number of responses
  | 'nps' // a score in points, -100..100, shown signed
  | 'pct' // a percentage, 0..100
  | 'margin' // [below, above] in points: "±6.4" when the two are equal as shown, else "−8.1 / +6.4"
  | 'range' // [lower, upper] in points, shown "a to b"
  | 'nps_n' // [nps, n, low]: a cross-tab cell, shown "+25.0 (40)", with * when low is 1
  | 'number' // any other number
  | 'p' // a p-value, 0..1
  | 'stat' // a test statistic (z, rho, chi-square): two places for people, full for machines
  | 'boolean' // yes/no; true/false for machines
  | 'bar'; // a share 0..1 drawn as a bar; only people see it

export type Cell = string | number | boolean | readonly number[] | null;

/**
 * Who a column or table is for: `human` only in table/markdown/html, `machine` only in
 * csv/json/xlsx, `page` in html and for machines (a chart's days, too many rows for a terminal).
 */
export type Audience = 'human' | 'machine' | 'both' | 'page';

export interface Column {
  /** snake_case: the CSV header and JSON key, stable across versions. */
  readonly key: string;
  /** What people read in table and Markdown output. */
  readonly label: string;
  readonly kind: Kind;
  readonly audience?: Audience;
  /** For people: longer text is cut with an ellipsis (comments in a terminal table). */
  readonly maxWidth?: number;
  /** Shown only when the responses are weighted (an effective n). */
  readonly weighted?: boolean;
}

/** Text cut to `width` characters with an ellipsis, for people's displays only. */
export const clip = (text: string, width: number | undefined): string =>
  width !== undefined && [...text].length > width ? `${[...text].slice(0, width - 1).join('')}…` : text;

export type Row = Readonly<Record<string, Cell>>;

export interface ReportTable {
  readonly name: string;
  readonly title?: string;
  /** `record`: a single row shown as label/value lines, and as one object in JSON. */
  readonly layout?: 'rows' | 'record';
  readonly audience?: Audience;
  /** The table CSV carries when a report has several for machines (otherwise the first). */
  readonly primary?: boolean;
  /** A listing that may run to any length: people's displays show the first `limit` rows. */
  readonly listing?: boolean;
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  /**
   * A listing too long to hold: the rows after `rows`, in order (each output that lists them all
   * reads them anew), and `total`, the count of them all. People's displays show only held rows;
   * CSV and JSON write every row.
   */
  readonly rest?: RowStream;
  readonly total?: number;
  /** How the HTML page draws the table beside it (the numbers stay in the table). */
  readonly chart?: Chart;
  /**
   * The key of a cell that is the whole output in the text formats (a query to pipe on): table,
   * CSV and TSV write it as it is, Markdown in a code block; JSON, HTML and xlsx keep the table.
   */
  readonly verbatim?: string;
}

/**
 * A table as a picture, named by its columns, so a renderer draws it knowing nothing of NPS.
 * `tone` names a row field and its values that are good (`up`) or bad (`down`): a significant
 * difference, or an answer's category, coloured the same way in every chart; others are neutral.
 * `facet` names a field that splits the rows into small multiples on one shared value scale.
 * - `bars`: one bar per row, `y` over `x` (a distribution), or with `horizontal`, `y` along
 *   the x axis per `x` label (a diverging bar chart);
 * - `intervals`: one row per table row, a point at `value` and a line from `low` to `high`, on
 *   `domain` (else fitted), a dashed line at `reference`, a ring at `marker` (a forest plot; a
 *   record table gives one row); `faded` draws rows set apart, in grey;
 * - `line`: `value` over `x` in table order with a band from `low` to `high`, `n` under each point;
 * - `control`: a control chart, `value` over `x` with its `limit` as a dashed line, points `out`
 *   of it marked.
 */
export type Chart =
  | {
      readonly kind: 'bars';
      readonly x: string;
      readonly y: string;
      readonly horizontal?: boolean;
      readonly tone?: ToneField;
      readonly facet?: string;
    }
  | {
      readonly kind: 'intervals';
      readonly label?: string;
      readonly value: string;
      readonly low: string;
      readonly high: string;
      readonly domain?: readonly [number, number];
      readonly reference?: number;
      readonly marker?: string;
      readonly faded?: boolean;
      readonly tone?: ToneField;
      readonly facet?: string;
    }
  | {
      readonly kind: 'line';
      readonly x: string;
      readonly value: string;
      readonly low: string;
      readonly high: string;
      readonly n?: string;
      readonly tone?: ToneField;
      readonly facet?: string;
    }
  | {
      readonly kind: 'control';
      readonly x: string;
      readonly value: string;
      readonly limit: string;
      /** A boolean field: the point is beyond its limit. */
      readonly out: string;
      readonly facet?: string;
    };

export interface ToneField {
  readonly field: string;
  readonly up: string;
  readonly down?: string;
}

export type Tone = 'up' | 'down' | 'flat';

/** Rows that come one at a time (from temporary files); `close` lets go of them, read or not. */
export type RowStream = AsyncIterable<Row> & { close(): void };

/**
 * The outcome of a CI gate (--fail-below, --fail-on-drop): whether the figure it judges passed,
 * and why, in words. Data, so JSON and Markdown say why a job failed, not only its exit code.
 */
export interface Gate {
  /** The flag, without dashes: fail-below, fail-on-drop. */
  readonly rule: string;
  readonly threshold: number;
  /** The figure judged: the (lowest) NPS for fail-below, the p-value of the change for fail-on-drop. */
  readonly value: number | null;
  readonly passed: boolean;
  readonly reason: string;
  /** What was judged: overall, a period, a group, a change between periods. */
  readonly subject: string;
}

/**
 * The figure that answers a command's question, for the top of a page: a score in points with its
 * interval and n, and its change from the period before where there is one; or a count (new
 * alerts, detractors to call back).
 */
export interface Headline {
  readonly label: string;
  readonly value: number;
  /** How the value reads: an NPS in points (the default), a count, or another figure (an AUC). */
  readonly kind?: 'nps' | 'count' | 'number';
  readonly interval?: readonly [number, number];
  readonly confidence?: number;
  readonly n?: number;
  /** In points, against `against`; `significant`: the change's verdict (above, below, or ''). */
  readonly change?: { readonly points: number; readonly against: string; readonly significant: string };
  /** Short facts after the figure's own: "12 agents ranked, 2 below the rest". */
  readonly details?: readonly string[];
}

export interface Report {
  readonly command: string;
  readonly title: string;
  /** The page's headline (HTML shows it first, large). */
  readonly headline?: Headline;
  /** The first table meant for machines is the one CSV output carries. */
  readonly tables: readonly ReportTable[];
  /** Sentences after the tables: the row accounting, caveats. */
  readonly notes: readonly string[];
  /** Gate outcomes, when a gate was asked for. */
  readonly gates?: readonly Gate[];
  /** Input accounting, options and version: JSON output's `meta` block. */
  readonly meta: Readonly<Record<string, unknown>>;
}

export const forHumans = (a: Audience | undefined) => a !== 'machine' && a !== 'page';
/** What the HTML page shows: what people read, and the tables drawn as charts there. */
export const forPage = (a: Audience | undefined) => a !== 'machine';
export const forMachines = (a: Audience | undefined) => a !== 'human';

/**
 * The columns people see: those for humans, less columns that are empty in every row (a marker
 * or note column with nothing to mark, figures of a day not yet charted: noise on a terminal).
 */
export function visibleColumns(table: ReportTable): Column[] {
  const empty = (col: Column) =>
    table.layout === 'record'
      ? (table.rows[0]?.[col.key] ?? null) === null
      : (col.kind === 'text' || table.rows.length > 0) && table.rows.every((row) => (row[col.key] ?? '') === '');
  return table.columns.filter((col) => forHumans(col.audience) && !empty(col));
}

/** Rows a table for people shows at most: past this a terminal table is unreadable and slow to build. */
export const MAX_SHOWN_ROWS = 1000;

/**
 * The rows people see of a table: at most MAX_SHOWN_ROWS (or `limit` of a listing), with a line
 * that says how many were left out and how to see them all.
 */
export function shownRows(
  table: ReportTable,
  listingLimit: number | undefined,
): { rows: readonly Row[]; more: string | undefined } {
  const limit = table.listing ? (listingLimit ?? MAX_SHOWN_ROWS) : MAX_SHOWN_ROWS;
  const total = table.total ?? table.rows.length;
  if (total <= limit) return { rows: table.rows, more: undefined };
  const hidden = total - limit;
  return {
    rows: table.rows.slice(0, limit),
    more:
      `... and ${hidden} more (${total} in all): --format csv or json lists every one` +
      `${table.listing ? ', --limit N shows more here' : ''}.`,
  };
}

/** A gate outcome as one line for people: what failed or passed, and why. */
export const gateLine = (gate: Gate): string =>
  `${gate.passed ? 'Gate passed' : 'Gate failed'} (--${gate.rule}): ${gate.reason}`;
