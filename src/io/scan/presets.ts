import type { DateOrder } from '../../core/date.js';
import { type ColumnChoice, detectDate, detectScore, detectTeam, normalize, RECOMMEND } from './mapping.js';

/**
 * What each survey and contact-centre tool's CSV export looks like: how it is recognised (its
 * header signature), how many header rows it writes, which columns play which role, which rows are
 * not responses, and the time zone of its timestamps. Anything a preset does not say falls back to
 * detection by header words and values.
 */
export type PresetName =
  | 'qualtrics'
  | 'surveymonkey'
  | 'typeform'
  | 'msforms'
  | 'googleforms'
  | 'medallia'
  | 'zendesk'
  | 'generic';
export const PRESET_NAMES: readonly PresetName[] = [
  'qualtrics',
  'surveymonkey',
  'typeform',
  'msforms',
  'googleforms',
  'medallia',
  'zendesk',
  'generic',
];

export type Role = 'score' | 'date' | 'agent' | 'team';

/** How a row counts before its answer is read: a response, a test or preview, or unfinished. */
export type RowKind = 'response' | 'preview' | 'partial';

export interface Preset {
  readonly name: PresetName;
  /** How it was recognised, for `nps columns` and JSON meta. */
  readonly signature: string;
  matches(header: readonly string[]): boolean;
  /** Rows after the first that are header, not responses (Qualtrics 2, SurveyMonkey 1). */
  extraHeaderRows(first: readonly string[][]): number;
  /** Columns by role; roles left out are detected. `headerRows` are the extra header rows. */
  columns(
    header: readonly string[],
    headerRows: readonly string[][],
    sample: readonly string[][],
  ): Partial<Record<Role, ColumnChoice>>;
  /** Classifies rows that are not plain responses; undefined when every row is one. */
  rowKind?(header: readonly string[]): ((record: readonly string[]) => RowKind) | undefined;
  /** The IANA zone of timestamps written without an offset, when the export says. */
  sourceZone?(
    header: readonly string[],
    headerRows: readonly string[][],
    date: ColumnChoice | undefined,
  ): string | undefined;
  /** The day/month order to assume when no date in the column settles it. */
  readonly dateOrder?: DateOrder;
}

const find = (header: readonly string[], ...names: string[]) => {
  for (const name of names) {
    const index = header.findIndex((h) => normalize(h) === normalize(name));
    if (index >= 0) return index;
  }
  return -1;
};
const has = (header: readonly string[], ...names: string[]) => names.every((n) => find(header, n) >= 0);
const choose = (header: readonly string[], reason: string, ...names: string[]): ColumnChoice | undefined => {
  const index = find(header, ...names);
  return index >= 0 ? { index, name: header[index], reason } : undefined;
};

const QUALTRICS_HIDDEN_STATUS = new Set([
  'survey preview',
  '1',
  'survey test',
  '2',
  'spam',
  '8',
  'preview spam',
  '9',
  'offline preview',
  '17',
]);

const qualtrics: Preset = {
  name: 'qualtrics',
  signature: 'StartDate + ResponseId',
  matches: (h) => has(h, 'StartDate', 'ResponseId'),
  // Row 2 is the question text, row 3 the {"ImportId": ...} JSON; older exports lack row 3.
  extraHeaderRows: (first) => {
    const json = first.slice(0, 2).findIndex((r) => r.some((cell) => cell.trim().startsWith('{"ImportId"')));
    return json >= 0 ? json + 1 : first[0]?.some((cell) => RECOMMEND.test(normalize(cell))) ? 1 : 0;
  },
  columns(header, headerRows, sample) {
    // The NPS question is the column whose tag has an _NPS_GROUP sibling (Q1 beside Q1_NPS_GROUP),
    // else the one whose question text asks it; never the group column itself.
    const group = header.findIndex((h) => /_NPS_GROUP$/i.test(h.trim()));
    const sibling = group >= 0 ? find(header, header[group].trim().replace(/_NPS_GROUP$/i, '')) : -1;
    const byText =
      headerRows[0]?.findIndex(
        (text, i) => RECOMMEND.test(normalize(text)) && !/ - group$/i.test(text.trim()) && i !== group,
      ) ?? -1;
    const score: ColumnChoice | undefined =
      sibling >= 0
        ? { index: sibling, name: header[sibling], reason: `Qualtrics: the NPS question beside ${header[group]}` }
        : byText >= 0
          ? { index: byText, name: header[byText], reason: 'Qualtrics: its question text asks for a recommendation' }
          : detectScore(header, sample);
    return { score, date: choose(header, 'Qualtrics: when the response was recorded', 'RecordedDate', 'EndDate') };
  },
  rowKind(header) {
    const status = find(header, 'Status');
    const finished = find(header, 'Finished');
    if (status < 0 && finished < 0) return undefined;
    return (record) => {
      if (status >= 0 && QUALTRICS_HIDDEN_STATUS.has((record[status] ?? '').trim().toLowerCase())) return 'preview';
      const done = (record[finished] ?? '').trim().toLowerCase();
      return finished >= 0 && (done === 'false' || done === '0') ? 'partial' : 'response';
    };
  },
  sourceZone(header, headerRows, date) {
    const json = headerRows.find((r) => r.some((cell) => cell.trim().startsWith('{"ImportId"')));
    const cell = json?.[date?.index ?? find(header, 'RecordedDate')];
    try {
      const zone = cell ? (JSON.parse(cell) as { timeZone?: unknown }).timeZone : undefined;
      return typeof zone === 'string' ? zone : undefined;
    } catch {
      return undefined;
    }
  },
};

const surveyMonkey: Preset = {
  name: 'surveymonkey',
  signature: 'Respondent ID + Collector ID',
  matches: (h) => has(h, 'Respondent ID', 'Collector ID'),
  // Row 2 names the answer kind under each question: Response, Open-Ended Response, option labels.
  extraHeaderRows: (first) => (first[0]?.some((cell) => /^(open-ended )?response$/i.test(cell.trim())) ? 1 : 0),
  columns: (header, _rows, sample) => ({
    score: detectScore(header, sample),
    date: choose(header, 'SurveyMonkey: when the response was completed', 'End Date'),
  }),
  dateOrder: 'mdy',
};

const typeform: Preset = {
  name: 'typeform',
  signature: '# + Submit Date (UTC)',
  matches: (h) => h[0]?.trim() === '#' && has(h, 'Submit Date (UTC)'),
  extraHeaderRows: () => 0,
  columns: (header, _rows, sample) => ({
    score: detectScore(header, sample),
    date: choose(header, 'Typeform: when the response was submitted', 'Submit Date (UTC)'),
  }),
  rowKind(header) {
    const type = find(header, 'Response Type');
    return type < 0
      ? undefined
      : (record) => ((record[type] ?? '').trim().toLowerCase() === 'partial' ? 'partial' : 'response');
  },
  sourceZone: () => 'UTC',
};

const msForms: Preset = {
  name: 'msforms',
  signature: 'ID, Start time, Completion time',
  matches: (h) => normalize(h[0] ?? '') === 'id' && has(h, 'Start time', 'Completion time'),
  extraHeaderRows: () => 0,
  columns: (header, _rows, sample) => ({
    score: detectScore(header, sample),
    date: choose(header, 'Microsoft Forms: when the form was completed', 'Completion time'),
  }),
  dateOrder: 'mdy',
};

const googleForms: Preset = {
  name: 'googleforms',
  signature: 'Timestamp',
  matches: (h) => normalize(h[0] ?? '') === 'timestamp',
  extraHeaderRows: () => 0,
  columns: (header, _rows, sample) => ({
    score: detectScore(header, sample),
    date: choose(header, 'Google Forms: when the form was submitted', 'Timestamp'),
  }),
  dateOrder: 'mdy',
};

const medallia: Preset = {
  name: 'medallia',
  signature: 'request_id + employee_first_name/employee_last_name',
  matches: (h) => has(h, 'request_id') && (has(h, 'employee_first_name') || has(h, 'employee_last_name')),
  extraHeaderRows: () => 0,
  columns(header, _rows, sample) {
    const first = find(header, 'employee_first_name');
    const last = find(header, 'employee_last_name');
    const agent: ColumnChoice | undefined =
      first >= 0 && last >= 0
        ? {
            index: first,
            also: [last],
            name: 'employee',
            reason: `Medallia: the employee, ${header[first]} and ${header[last]}`,
          }
        : choose(header, 'Medallia: the employee', 'employee_first_name', 'employee_last_name');
    return {
      score:
        choose(header, 'Medallia: the likelihood-to-recommend answer', 'nps', 'likelihood_to_recommend', 'ltr') ??
        detectScore(header, sample),
      date:
        choose(header, 'Medallia: when the response was received', 'response_received_at', 'survey_date') ??
        detectDate(header, sample),
      agent,
      team: choose(header, 'Medallia: the team', 'team', 'team_name') ?? detectTeam(header, sample),
    };
  },
};

const zendesk: Preset = {
  name: 'zendesk',
  signature: 'assignee_id + score',
  matches: (h) => has(h, 'assignee_id', 'score'),
  extraHeaderRows: () => 0,
  columns: (header, _rows, sample) => ({
    score: choose(header, 'Zendesk: the survey score', 'score'),
    date: choose(header, 'Zendesk: when the rating was created', 'created_at') ?? detectDate(header, sample),
    // The name when the export has it; the ID otherwise (kept as text: IDs pass 2^53).
    agent: choose(header, 'Zendesk: the assignee', 'assignee_name', 'assignee_id'),
    team: choose(header, 'Zendesk: the group', 'group_name', 'group_id'),
  }),
};

const generic: Preset = {
  name: 'generic',
  signature: 'no vendor signature',
  matches: () => true,
  extraHeaderRows: () => 0,
  columns: () => ({}),
};

const PRESETS: readonly Preset[] = [
  qualtrics,
  surveyMonkey,
  typeform,
  msForms,
  googleForms,
  medallia,
  zendesk,
  generic,
];

/** The preset asked for, or the first whose signature the header has. */
export function choosePreset(header: readonly string[], name?: PresetName): Preset {
  return PRESETS.find((p) => (name ? p.name === name : p.matches(header)))!;
}
