import type { CaseMixState, SavedModel } from '../core/case-mix.js';
import { cellOf, chanceAt, contactTerms, stability } from '../core/case-mix.js';
import { criticalValue, twoSidedP } from '../core/normal.js';
import { holm } from '../core/significance.js';
import type { Statistics } from '../core/summary.js';
import { compareText } from '../core/text.js';
import { usageError } from '../errors.js';
import { type Lookup, MATCHED_COLUMN } from '../io/scan/join.js';
import type { GroupColumn } from '../io/scan/plan.js';
import { confidenceLabel, formatDecimal } from '../report/format.js';
import type { Column, ReportTable, Row } from '../report/model.js';

/*
 * agents --case-mix: each agent's answers against what a saved model of detractors and promoters
 * expects of the contacts that agent handled (their queue, wait, channel ...). Observed minus
 * expected is what the agent adds beyond the case mix, under the model; the case-mix-adjusted
 * NPS is the overall NPS plus it (indirect standardisation).
 */

/** The model's features, read as values of each row. */
export const caseMixColumns = (model: SavedModel | null): GroupColumn[] =>
  (model?.features ?? []).map((spec, f) => ({ role: `case-mix:${f}`, flag: '--case-mix', spec, value: true }));

/** Drift worth refitting for: a population stability index above this. */
const LARGE_SHIFT = 0.25;

export function caseMixReport(
  state: CaseMixState,
  model: SavedModel,
  file: string,
  label: (key: string) => string,
  what: string,
  minN: number,
  stats: Statistics,
): { table: ReportTable; notes: string[] } {
  const groups = [...state.groups].filter(([, g]) => g.n > 0);
  let n = 0;
  let net = 0;
  for (const [, g] of groups) {
    n += g.n;
    net += g.promoters - g.detractors;
  }
  const overall = (100 * net) / n;
  const z = criticalValue(stats.confidence);
  const figures = groups.map(([key, g]) => {
    const difference = (100 * (g.promoters - g.detractors - (g.expectedPromoters - g.expectedDetractors))) / g.n;
    const se = (100 * Math.sqrt(g.variance)) / g.n;
    return {
      key,
      g,
      difference,
      se,
      p: g.n >= minN && se > 0 ? twoSidedP(difference / se) : Number.NaN,
    };
  });
  const adjusted = holm(figures.map((f) => f.p));
  const alpha = 1 - stats.confidence;
  const rows: Row[] = figures
    .map((f, k) => ({
      name: label(f.key),
      n: f.g.n,
      detractors_pct: (100 * f.g.detractors) / f.g.n,
      expected_detractors_pct: (100 * f.g.expectedDetractors) / f.g.n,
      promoters_pct: (100 * f.g.promoters) / f.g.n,
      expected_promoters_pct: (100 * f.g.expectedPromoters) / f.g.n,
      observed_minus_expected: f.difference,
      interval: [f.difference - z * f.se, f.difference + z * f.se],
      lower: f.difference - z * f.se,
      upper: f.difference + z * f.se,
      adjusted_nps: overall + f.difference,
      p_adjusted: Number.isNaN(adjusted[k]) ? null : adjusted[k],
      significant: adjusted[k] < alpha ? (f.difference > 0 ? 'above' : 'below') : '',
    }))
    .map((row) => ({ ...row, marker: row.significant === 'above' ? '▲' : row.significant === 'below' ? '▼' : '' }))
    .sort((a, b) => (b.adjusted_nps as number) - (a.adjusted_nps as number));
  const notes = [
    `Case mix: each ${what}'s answers against what the model in ${file} (fitted on ${model.training.n} answers) ` +
      `expects of the contacts that ${what} handled. Observed − expected is in NPS points with its ` +
      `${confidenceLabel(stats.confidence)} interval, the model taken as known (p Holm-adjusted across those with ` +
      `${minN} answers or more); adjusted NPS = the overall ${formatDecimal(overall, 1)} + observed − expected ` +
      `(indirect standardisation). Model output, not a measurement.`,
    driftNote(model, state.bins),
  ];
  return { table: { name: 'case_mix', title: 'Against the case mix', columns: COLUMNS, rows }, notes };
}

/** Each feature's drift since the model was fitted: its answers per band or level (`bins`) against the training shares. */
export function driftNote(model: SavedModel, bins: readonly (readonly number[])[]): string {
  const drift = model.features.map((name, f) => {
    const counts = bins[f];
    const total = counts.reduce((a, b) => a + b, 0);
    const psi = stability(
      model.training.shares[f],
      counts.map((c) => c / total),
      total,
      model.training.n,
    );
    return { name, psi };
  });
  const shifted = drift.filter((d) => d.psi > LARGE_SHIFT);
  return (
    `Drift since the model was fitted (population stability index of each feature's bands or levels): ` +
    `${drift.map((d) => `${d.name} ${formatDecimal(d.psi, 3)}`).join(', ')}` +
    `${shifted.length > 0 ? `; above ${LARGE_SHIFT} for ${shifted.map((d) => d.name).join(', ')}: the contacts have changed, fit the model again` : `; none above ${LARGE_SHIFT}`}.`
  );
}

const COLUMNS: Column[] = [
  { key: 'name', label: 'Name', kind: 'text' },
  { key: 'n', label: 'n', kind: 'count' },
  { key: 'detractors_pct', label: 'Detractors', kind: 'pct' },
  { key: 'expected_detractors_pct', label: 'Expected', kind: 'pct' },
  { key: 'promoters_pct', label: 'Promoters', kind: 'pct' },
  { key: 'expected_promoters_pct', label: 'Expected', kind: 'pct' },
  { key: 'observed_minus_expected', label: 'Obs. − exp.', kind: 'nps' },
  { key: 'interval', label: 'Interval', kind: 'range', audience: 'human' },
  { key: 'lower', label: 'Lower', kind: 'nps', audience: 'machine' },
  { key: 'upper', label: 'Upper', kind: 'nps', audience: 'machine' },
  { key: 'adjusted_nps', label: 'Adjusted NPS', kind: 'nps' },
  { key: 'p_adjusted', label: 'p (Holm)', kind: 'p' },
  { key: 'marker', label: '', kind: 'text', audience: 'human' },
  { key: 'significant', label: 'Significant', kind: 'text', audience: 'machine' },
];

/**
 * The contacts no answer came from, by the saved model's chance that they are detractors: whom to
 * call back though they never said. Model output, listed as such; the `top` riskiest.
 */
export function riskList(
  lookup: Lookup,
  answered: ReadonlyMap<string, unknown>,
  model: SavedModel,
  top: number,
): { table: ReportTable; notes: string[] } {
  const at = model.features.map((name) => {
    const exact = lookup.columns.indexOf(name);
    const index = exact >= 0 ? exact : lookup.columns.findIndex((c) => c.toLowerCase() === name.toLowerCase());
    if (index < 0)
      throw usageError(
        `${lookup.spec.file} has no column ${JSON.stringify(name)}, which the model reads`,
        `the contacts need the model's features (${model.features.join(', ')}); its columns: ${lookup.columns
          .filter((c) => c !== MATCHED_COLUMN)
          .join(', ')}`,
      );
    return index;
  });
  const scored: Row[] = [];
  for (const [id, values] of lookup.rows) {
    if (answered.has(id)) continue;
    const terms = contactTerms(
      model,
      at.map((i) => cellOf(values[i])),
    );
    scored.push({
      contact: id,
      ...Object.fromEntries(at.map((i, f) => [`feature_${f}`, values[i]])),
      detractor_risk: 100 * chanceAt(model, 0, terms),
      promoter_chance: 100 * chanceAt(model, 1, terms),
    });
  }
  // Riskiest first; equal risks in the contacts' key order, so the list is the same on every run.
  scored.sort(
    (a, b) =>
      (b.detractor_risk as number) - (a.detractor_risk as number) || compareText(String(a.contact), String(b.contact)),
  );
  const rows = scored.slice(0, top);
  return {
    table: {
      name: 'risk',
      title: `Contacts not surveyed, by detractor risk (model output; the ${rows.length} riskiest of ${scored.length})`,
      columns: [
        { key: 'contact', label: lookup.spec.right, kind: 'text' },
        ...model.features.map((name, f): Column => ({ key: `feature_${f}`, label: name, kind: 'text' })),
        { key: 'detractor_risk', label: 'Detractor risk', kind: 'pct' },
        { key: 'promoter_chance', label: 'Promoter chance', kind: 'pct' },
      ],
      rows,
    },
    notes: [
      `Risk list: the ${scored.length} contacts in ${lookup.spec.file} no answer came from, scored by the model: ` +
        `chances, not answers. A call-back list, never an NPS of those not asked.`,
    ],
  };
}
