import { Option } from 'commander';
import type { SavedModel } from '../../core/case-mix.js';
import { classify } from '../../core/classify.js';
import type { ModelRows, ModelSettings, Validation } from '../../core/expected.js';
import { dataError, usageError } from '../../errors.js';
import { readModel } from '../../io/model.js';
import type { GroupColumn } from '../../io/scan/plan.js';
import { confidenceLabel, formatDecimal, plural } from '../../report/format.js';
import type { Column, Gate, Headline, ReportTable, Row } from '../../report/model.js';
import { driftNote, riskList } from '../case-mix.js';
import type { CommandDefinition, Outcome } from '../command.js';
import { day, parseCount, parsePositive } from '../options.js';
import { type SentFlags, scanWithContacts } from '../sent.js';

interface ExpectedFlags extends Pick<SentFlags, 'sent' | 'sentOn' | 'where' | 'since' | 'until' | 'last'> {
  features?: string;
  group?: string;
  folds: number;
  trainUntil?: string;
  penalty: number;
  /** A kind of model to fit, or a saved model's file to judge. */
  model: string;
  minLevel: number;
  reference?: string;
  saveModel?: string;
  force?: boolean;
  top: number;
}

export const expected: CommandDefinition<ExpectedFlags> = {
  name: 'expected',
  summary: 'Expected NPS: what predicts a detractor (and a promoter), the model validated on answers it did not see',
  examples: [
    [
      'nps expected survey.csv --features handle_time,wait_seconds,channel,queue --group customer_id',
      'odds ratios adjusted for each other, and AUC, Brier skill and calibration over 5 folds by customer',
    ],
    [
      'nps expected survey.csv --features handle_time,channel --train-until 2024-10-01',
      'fitted before October, judged on October onwards',
    ],
    [
      'nps expected survey.csv --features handle_time,channel,queue --save-model model.json',
      'the model kept for later use, only when it beats chance and is calibrated (--force otherwise)',
    ],
  ],
  shared: {
    input: { questions: 1 },
    filters: true,
    statistics: 'confidence',
    output: { decimals: true },
    accounting: true,
  },
  configure: (cmd) =>
    cmd
      .option(
        '--sent <file>',
        'the contacts the survey went to: those no answer came from are listed by detractor risk',
      )
      .option('--sent-on <key>', 'the key that matches an answer to its contact: a column of both, or EXPORT=SENT')
      .option(
        '--features <columns>',
        'what is known of each contact, comma-separated (numbers or levels, told by the values)',
      )
      .option('--group <column>', 'the customer: their answers stay in one fold, so repeat contacts do not leak')
      .option('--folds <k>', 'cross-validation folds', parseFolds, 5)
      .option('--train-until <date>', 'an out-of-time test instead: fit before this day, judge from it on (YYYY-MM-DD)')
      .option(
        '--penalty <lambda>',
        'ridge penalty on every coefficient but the intercept (0: plain maximum likelihood)',
        parsePenalty,
        1,
      )
      .option(
        '--model <kind|file>',
        'logistic (one model per outcome), ordinal (one proportional-odds model of the 0-10 answer), ' +
          'or a model saved by --save-model to judge on these answers, with its drift',
        'logistic',
      )
      .option('--min-level <n>', 'levels with fewer answers are pooled into "(other)"', parseCount, 30)
      .option(
        '--reference <feature>',
        'the simpler model Brier skill is also judged against (default: the first feature of levels)',
      )
      .option('--top <n>', 'with --sent: how many of the contacts not surveyed the risk list shows', parsePositive, 50)
      .option('--save-model <file>', 'write the fitted models as JSON, when they pass the validation')
      .addOption(
        new Option(
          '--force',
          'save the models even when validation finds them no better than chance or poorly calibrated',
        ),
      ),
  async run({ flags, statistics, scan }) {
    const saved = flags.model === 'logistic' || flags.model === 'ordinal' ? undefined : readModel(flags.model);
    if (saved && (flags.features !== undefined || flags.saveModel !== undefined))
      throw usageError(
        `${flags.features !== undefined ? '--features' : '--save-model'} with a saved model: it is judged as it was fitted`,
        `drop ${flags.features !== undefined ? '--features (the model names its own)' : '--save-model'}`,
      );
    const names = saved
      ? [...saved.features]
      : (flags.features ?? '')
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean);
    if (names.length === 0)
      throw usageError('name the features with --features', 'e.g. --features handle_time,channel');
    if (new Set(names).size < names.length) throw usageError('--features names a column twice', 'name each once');
    const model = await import('../../core/expected.js');
    const roles = names.map((_, f) => `feature:${f}`);
    const groups: GroupColumn[] = [
      ...names.map((spec, f): GroupColumn => ({ role: roles[f], flag: '--features', spec, value: true })),
      ...(flags.group === undefined ? [] : [{ role: 'group', flag: '--group', spec: flags.group, value: true }]),
    ];
    const trainUntil = flags.trainUntil === undefined ? undefined : day(flags.trainUntil, '--train-until').start;
    const { result, contacts } = await scanWithContacts(
      scan,
      // Only the contacts and their key: no disposition, no weighting to them.
      { ...flags, notDelivered: [], cap: Number.POSITIVE_INFINITY },
      { groups, needsDates: trainUntil !== undefined },
      model.modelFold(roles, flags.group === undefined ? undefined : 'group'),
    );
    // With --sent, the contacts no answer came from, by the model's detractor risk: only when the model passes.
    const risk = (scoring: SavedModel, usable: boolean) => {
      if (!contacts || !result.sent) return undefined;
      if (!usable && !flags.force)
        return {
          tables: [],
          notes: ['No risk list: the model is not fit to score contacts (--force lists them anyway).'],
        };
      const list = riskList(result.sent, contacts.answers, scoring, flags.top);
      return { tables: [list.table], notes: list.notes };
    };
    const rows = result.state;
    if (rows.dropped > 0)
      throw dataError(
        `${rows.n + rows.dropped} answers, more than the ${model.MAX_MODEL_ROWS} a model is fitted on here`,
        'fit on a part: --last 6m, --since, or --where (e.g. one channel)',
      );
    const columnNames = names.map((_, f) => result.inputs[0].columns[roles[f]].name);
    const detractors = rows.scores.filter((score) => classify(score) === 'detractor').length;
    const promoters = rows.scores.filter((score) => classify(score) === 'promoter').length;
    if (Math.min(detractors, promoters, rows.n - detractors, rows.n - promoters) === 0)
      throw dataError(
        `the answers hold ${detractors} ${plural(detractors, 'detractor')} and ${promoters} ${plural(promoters, 'promoter')} of ${rows.n}`,
        'a model of who is a detractor or a promoter needs some of each, and some who are not',
      );
    if (saved) return judgeSaved(saved, flags, rows, result.inputs, statistics.confidence, risk);
    const kinds = model.featureKinds(rows);
    rows.codes.forEach((codes, f) => {
      if (kinds[f] === 'categorical' && codes.includes(model.TOO_MANY))
        throw dataError(
          `${columnNames[f]} has more than ${model.MAX_LEVELS} distinct values and not all are numbers`,
          'a feature is a measure (numbers) or a handful of levels: leave this one out, or group its values',
        );
    });
    const reference = referenceFeature(flags.reference, columnNames, kinds);
    const settings: ModelSettings = {
      names: columnNames,
      kinds,
      minLevel: flags.minLevel,
      penalty: flags.penalty,
      model: flags.model as 'logistic' | 'ordinal',
      confidence: statistics.confidence,
      reference,
      split: trainUntil === undefined ? { folds: flags.folds } : { trainUntil },
    };
    const before = trainUntil === undefined ? rows.n : rows.times.filter((t) => t < trainUntil).length;
    if (trainUntil !== undefined) {
      if (before === 0 || before === rows.n)
        throw dataError(
          `--train-until ${flags.trainUntil} leaves ${before === 0 ? 'nothing to fit on' : 'nothing to judge on'}`,
          'choose a day inside the export, so that answers fall on both sides',
        );
    }
    const { models, validations } = model.expectedModels(rows, settings);
    const level = confidenceLabel(statistics.confidence);
    const usable = validations.every((v) => v.usable);
    const kept = model.savedModel(rows, columnNames, models);
    const listed = risk(kept, usable);
    const how =
      trainUntil === undefined
        ? `${flags.folds} folds ${flags.group === undefined ? 'of answers (no --group: a repeat customer may sit in two folds, which flatters the model)' : `by ${result.inputs[0].columns.group.name}, so a customer's answers are all in one`}`
        : `fitted on the ${before} ${plural(before, 'answer')} before ${flags.trainUntil}, judged on the ${rows.n - before} from it`;
    const notes = [
      `Validated on answers each model did not see: ${how}. Features: ${columnNames
        .map((name, f) => `${name} (${kinds[f] === 'numeric' ? 'numbers, in quartile bands' : 'levels'})`)
        .join(', ')}; levels with fewer than ${flags.minLevel} answers pooled into "(other)".`,
      `AUC: the chance that a random detractor (promoter) gets a higher score than a random other answer, 0.5 being ` +
        `a coin; DeLong's ${level} interval. Brier skill: the share of the squared error of a simpler forecast that ` +
        `the model removes (the base rate${reference === undefined ? '' : `, and a model of ${columnNames[reference]} alone`}); 0 or below is no better. ` +
        `Calibration: intercept 0 and slope 1 when the chances are right on average and in spread.`,
      `Odds ratios from ${
        flags.model === 'ordinal'
          ? "one proportional-odds model of the 0-10 answer (as R's MASS::polr), whose cut-points above 6 and above 8 " +
            "give the two outcomes: a detractor's odds ratios are the inverse of a promoter's"
          : 'one logistic model per outcome'
      }, ridge-penalised (λ = ${flags.penalty}${flags.penalty > 0 ? '; intervals and p from the penalised fit are approximate' : ''}), ` +
        `each feature adjusted for the others; against each feature's first band or commonest level. Associations, not causes.`,
      ...validations.map(verdict('answers it did not see')),
      ...models
        .filter((m) => !m.fit.converged)
        .map((m) => `The ${m.outcome} model did not converge (separated data?): raise --penalty.`),
    ];
    const gates = scoresAsked(flags) ? [usableGate(validations, flags)] : [];
    const saves: { file: string; text: string; replace: boolean }[] = [];
    if (flags.saveModel !== undefined) {
      if (usable || flags.force)
        saves.push({
          file: flags.saveModel,
          text: `${JSON.stringify(kept, null, 1)}\n`,
          replace: true,
        });
    }
    return {
      report: {
        title: `Expected NPS, what predicts a detractor and a promoter: ${result.inputs.map((i) => i.name).join(', ')}`,
        headline: aucHeadline(validations[0], level),
        tables: [
          { name: 'validation', columns: VALIDATION_COLUMNS, rows: validations.map(validationRow) },
          {
            name: 'odds_ratios',
            title: 'Odds ratios, each adjusted for the other features',
            columns: ODDS_COLUMNS,
            rows: models.flatMap((m) =>
              model.oddsRatios(m, statistics.confidence).map((o) => ({ outcome: m.outcome, ...oddsRow(o) })),
            ),
          },
          decileTable(validations),
          ...(listed?.tables ?? []),
        ],
        notes: [...notes, ...(listed?.notes ?? [])],
      },
      gates,
      saves,
    };
  },
};

/** A saved model judged on every answer read: how well it still forecasts, and how far the contacts have drifted. */
async function judgeSaved(
  saved: SavedModel,
  flags: ExpectedFlags,
  rows: ModelRows,
  inputs: readonly { name: string }[],
  confidence: number,
  risk: (scoring: SavedModel, usable: boolean) => { tables: ReportTable[]; notes: string[] } | undefined,
): Promise<Outcome> {
  const model = await import('../../core/expected.js');
  const file = flags.model;
  const validations = model.validateSaved(rows, saved, confidence);
  const listed = risk(
    saved,
    validations.every((v) => v.usable),
  );
  const level = confidenceLabel(confidence);
  return {
    gates: scoresAsked(flags) ? [usableGate(validations, flags)] : [],
    report: {
      title: `How the model in ${file} forecasts: ${inputs.map((i) => i.name).join(', ')}`,
      headline: aucHeadline(validations[0], level),
      tables: [
        { name: 'validation', columns: VALIDATION_COLUMNS, rows: validations.map(validationRow) },
        decileTable(validations),
        ...(listed?.tables ?? []),
      ],
      notes: [
        `The model in ${file} (fitted on ${saved.training.n} answers) scores every answer read; skill is ` +
          `against the base rates of its training answers. AUC with DeLong's ${level} interval; calibration ` +
          `intercept 0 and slope 1 when the chances are right on average and in spread.`,
        driftNote(saved, model.binsOf(rows, saved)),
        ...validations.map(verdict('these answers')),
        ...(listed?.notes ?? []),
      ],
    },
  };
}

/** Whether the run writes scores (a model kept, a risk list): what the model-usable gate guards. */
const scoresAsked = (flags: ExpectedFlags) => flags.saveModel !== undefined || flags.sent !== undefined;

/** Scores are written only from models that beat chance and are calibrated, or when forced: exit 1 otherwise. */
function usableGate(validations: readonly Validation[], flags: ExpectedFlags): Gate {
  const usable = validations.every((v) => v.usable);
  const worst = validations.reduce((a, b) => (b.auc.lower < a.auc.lower ? b : a));
  const what = flags.saveModel !== undefined ? 'saved' : 'listed';
  return {
    rule: 'model-usable',
    threshold: 0.5,
    value: worst.auc.lower,
    passed: usable || Boolean(flags.force),
    reason: usable
      ? 'both models beat chance and are calibrated'
      : `${validations
          .filter((v) => !v.usable)
          .map((v) => `the ${v.outcome} model: ${v.reasons.join('; ')}`)
          .join('; ')}${flags.force ? ` (${what} anyway: --force)` : `; not ${what} (--force does)`}`,
    subject: 'the models',
  };
}

/** The page's headline: the detractor model's AUC on answers it did not see, and its verdict. */
const aucHeadline = (v: Validation, level: string): Headline => ({
  label: 'AUC, detractors',
  value: v.auc.auc,
  kind: 'number',
  details: [
    `${level} interval ${interval(v.auc.lower, v.auc.upper)}`,
    `n = ${v.n} judged`,
    v.usable ? 'beats chance, calibrated' : 'not fit to score contacts',
  ],
});

const verdict =
  (on: string) =>
  (v: Validation): string =>
    v.usable
      ? `The ${v.outcome} model beats chance and is calibrated on ${on}.`
      : `The ${v.outcome} model is not fit to score contacts: ${v.reasons.join('; ')}.`;

const decileTable = (validations: readonly Validation[]): ReportTable => ({
  name: 'deciles',
  title: 'Calibration: predicted against observed, by tenth of the predicted chance',
  columns: DECILE_COLUMNS,
  rows: validations.flatMap((v) =>
    v.deciles.map((d) => ({
      outcome: v.outcome,
      decile: d.decile,
      n: d.n,
      predicted: 100 * d.predicted,
      observed: 100 * d.observed,
    })),
  ),
});

function parseFolds(value: string): number {
  const k = parseCount(value);
  if (k < 2 || k > 20) throw usageError(`--folds ${value}: give 2 to 20`, 'e.g. --folds 5');
  return k;
}

function parsePenalty(value: string): number {
  if (value.trim() === '0') return 0;
  return parsePositive(value);
}

/** The feature of the simpler model: the one named, or the first feature of levels. */
function referenceFeature(
  given: string | undefined,
  names: readonly string[],
  kinds: readonly string[],
): number | undefined {
  if (given === undefined) {
    const first = kinds.indexOf('categorical');
    return first >= 0 && names.length > 1 ? first : undefined;
  }
  const at = names.indexOf(given);
  if (at < 0) throw usageError(`--reference ${given} is not one of --features`, `name one of: ${names.join(', ')}`);
  return at;
}

/** "0.612 to 0.671"; n/a where a bound cannot be computed (too few answers). */
const interval = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) ? `${formatDecimal(a, 3)} to ${formatDecimal(b, 3)}` : 'n/a';

const VALIDATION_COLUMNS: Column[] = [
  { key: 'outcome', label: 'Outcome', kind: 'text' },
  { key: 'n', label: 'n judged', kind: 'count' },
  { key: 'base_rate', label: 'Base rate', kind: 'pct' },
  { key: 'auc', label: 'AUC', kind: 'number' },
  { key: 'auc_interval', label: 'AUC interval', kind: 'text', audience: 'human' },
  { key: 'auc_lower', label: 'AUC lower', kind: 'number', audience: 'machine' },
  { key: 'auc_upper', label: 'AUC upper', kind: 'number', audience: 'machine' },
  { key: 'brier', label: 'Brier', kind: 'number' },
  { key: 'brier_skill_base', label: 'Skill vs base rate', kind: 'number' },
  { key: 'brier_skill_reference', label: 'Skill vs reference', kind: 'number' },
  { key: 'calibration_intercept', label: 'Cal. intercept', kind: 'number' },
  { key: 'calibration_slope', label: 'Cal. slope', kind: 'number' },
  { key: 'calibration_slope_interval', label: 'Slope interval', kind: 'text', audience: 'human' },
  { key: 'calibration_slope_lower', label: 'Slope lower', kind: 'number', audience: 'machine' },
  { key: 'calibration_slope_upper', label: 'Slope upper', kind: 'number', audience: 'machine' },
  { key: 'usable', label: 'Fit to score', kind: 'boolean' },
];

function validationRow(v: Validation): Row {
  return {
    outcome: v.outcome,
    n: v.n,
    base_rate: 100 * v.baseRate,
    auc: v.auc.auc,
    auc_interval: interval(v.auc.lower, v.auc.upper),
    auc_lower: v.auc.lower,
    auc_upper: v.auc.upper,
    brier: v.brier,
    brier_skill_base: v.skillVsBase,
    brier_skill_reference: v.skillVsReference ?? null,
    calibration_intercept: v.calibration.intercept,
    calibration_slope: v.calibration.slope,
    calibration_slope_interval: interval(...(v.calibration.slopeInterval as [number, number])),
    calibration_slope_lower: v.calibration.slopeInterval[0],
    calibration_slope_upper: v.calibration.slopeInterval[1],
    usable: v.usable,
  };
}

const ODDS_COLUMNS: Column[] = [
  { key: 'outcome', label: 'Outcome', kind: 'text' },
  { key: 'feature', label: 'Feature', kind: 'text' },
  { key: 'term', label: 'Band or level', kind: 'text' },
  { key: 'reference', label: 'Against', kind: 'text' },
  { key: 'odds_ratio', label: 'Odds ratio', kind: 'number' },
  { key: 'interval', label: 'Interval', kind: 'text', audience: 'human' },
  { key: 'lower', label: 'Lower', kind: 'number', audience: 'machine' },
  { key: 'upper', label: 'Upper', kind: 'number', audience: 'machine' },
  { key: 'p_value', label: 'p', kind: 'p' },
];

function oddsRow(o: {
  feature: string;
  term: string;
  reference: string;
  oddsRatio: number;
  lower: number;
  upper: number;
  p: number;
}): Row {
  return {
    feature: o.feature,
    term: o.term,
    reference: o.reference,
    odds_ratio: o.oddsRatio,
    interval: `${formatDecimal(o.lower, 2)} to ${formatDecimal(o.upper, 2)}`,
    lower: o.lower,
    upper: o.upper,
    p_value: o.p,
  };
}

const DECILE_COLUMNS: Column[] = [
  { key: 'outcome', label: 'Outcome', kind: 'text' },
  { key: 'decile', label: 'Tenth', kind: 'count' },
  { key: 'n', label: 'n', kind: 'count' },
  { key: 'predicted', label: 'Predicted', kind: 'pct' },
  { key: 'observed', label: 'Observed', kind: 'pct' },
];
