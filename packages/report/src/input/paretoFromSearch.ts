import { OccamError, SearchResultSchema, type SearchResult } from '@occam/core';
import { z } from 'zod';
import type { ParetoFront } from './paretoFront.js';

/** The interval figure of each ranking metric in a candidate's `intervals` (core's FigureIntervals shape). */
const INTERVAL_FIGURE: Record<string, string> = {
  llGainOverPsth: 'bitsPerEventOverPsth',
  trialToTrialAuroc: 'trialToTrialAuroc',
  stratifiedAuroc: 'stratifiedAuroc',
  auroc: 'auroc',
  pseudoR2: 'pseudoR2',
};

/** A candidate's intervals as a search writes them: figure → [low, high] or null. */
const CandidateIntervalsSchema = z.record(z.string(), z.tuple([z.number(), z.number()]).nullable());
const CandidatesWithIntervalsSchema = z.object({
  candidates: z.array(z.object({ key: z.string(), intervals: CandidateIntervalsSchema.nullable().optional() })),
});

/**
 * Each candidate's interval of the ranking figure, read from the search as written (the field is optional:
 * searches written before candidates carried intervals have none). A malformed one is an error naming it.
 */
function candidateIntervals(input: unknown, rankBy: string, file: string): Map<string, [number, number] | null> {
  const out = new Map<string, [number, number] | null>();
  const r = CandidatesWithIntervalsSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new OccamError(`${file}: ${issue.path.join('.')}: ${issue.message}; expected each candidate's "intervals" as { figure: [low, high] or null }`, {
      file,
      field: issue.path.join('.'),
    });
  }
  const figure = INTERVAL_FIGURE[rankBy] ?? rankBy;
  for (const c of r.data.candidates) {
    const pair = c.intervals?.[figure];
    if (pair !== undefined) out.set(c.key, pair);
  }
  return out;
}

// Keyed by string, not by the schema's enum: a search written with a ranking this report does not know yet
// still draws (under the metric's own name).
const METRIC_NAMES: Record<string, { name: string; baseline: number | null }> = {
  llGainOverPsth: { name: 'log-likelihood gain over the PSTH (bits/event)', baseline: 0 },
  trialToTrialAuroc: { name: 'trial-to-trial AUROC', baseline: 0.5 },
  stratifiedAuroc: { name: 'position-stratified AUROC', baseline: 0.5 },
};
const SUFFICIENCY_NAMES: Record<string, string> = { auroc: 'AUROC', trialToTrialAuroc: 'trial-to-trial AUROC', stratifiedAuroc: 'position-stratified AUROC' };

/** The coverage the search drew its candidates' intervals at (`candidateIntervals.level`), 95 % when unrecorded. */
function candidateIntervalLevel(input: unknown): number {
  const about = typeof input === 'object' && input !== null ? (input as { candidateIntervals?: { level?: unknown } }).candidateIntervals : undefined;
  return typeof about?.level === 'number' && about.level > 0 && about.level < 1 ? about.level : 0.95;
}

/**
 * occam's search output (`occam.search`: core's runSearch) as the report's Pareto view: each candidate
 * ranked by the search's own metric (`options.rankBy`), its feature families as "family: level" (levels
 * that are "off" left out), the minimal sufficient model marked chosen, the PSTH's value of the metric as
 * the baseline (0 bits/event, or 0.5 trial-to-trial AUROC by construction).
 */
export function paretoFromSearch(input: SearchResult, title?: string, file = 'search result'): ParetoFront {
  // Fields added after version 1 (notes' sources) default when absent: parse, do not trust the object's age.
  const result = SearchResultSchema.parse(input);
  const intervals = candidateIntervals(input, result.options.rankBy, file);
  const known = METRIC_NAMES[result.options.rankBy] ?? { name: result.options.rankBy, baseline: null };
  // A search result names no bin unit: a language model's shows in what it split by (the transformer
  // adapter's attributes) or in the stratified AUROC that search picks for token positions.
  const languageModel =
    String(result.options.sufficientBy) === 'stratifiedAuroc' || result.candidates.some((c) => c.spec.groupBy.some((a) => a === 'component' || a === 'head'));
  const baselineName = languageModel ? 'position only (mean per position)' : 'time only (PSTH)';
  const metric = languageModel ? { ...known, name: known.name.replace('the PSTH', 'the position-only baseline') } : known;
  const front = new Set(result.paretoFront);
  const f3 = (v: number | null) => (v === null ? '—' : v.toFixed(3));
  const notes = [
    `Minimal sufficient model: the fewest parameters whose held-out ${SUFFICIENCY_NAMES[result.options.sufficientBy ?? 'auroc'] ?? result.options.sufficientBy} is within ${result.options.tolerance} of the best candidate's.`,
    ...result.ablations.map(
      (a) =>
        `Ablation of the chosen model — ${a.family}: ${a.from} → ${a.to}: Δ${result.options.rankBy} ${f3(a.deltaRank)}, ΔAUROC ${f3(a.deltaAuroc)}, Δ${languageModel ? 'prompt-to-prompt' : 'trial-to-trial'} AUROC ${f3(a.deltaTrialToTrialAuroc)}.`,
    ),
    ...(result.minimalFilters.length
      ? [`The chosen model's temporal filters peak at lag: ${result.minimalFilters.map((m) => `${m.group} ${m.peakLag}`).join('; ')}.`]
      : []),
    ...(result.groupLasso
      ? [
          `Group-lasso path, order of entry (largest λ first): ${
            result.groupLasso.blocks
              .filter((b) => b.enteredAt !== null)
              .sort((a, b) => b.enteredAt! - a.enteredAt!)
              .map((b) => `${b.family}: ${b.level}`)
              .join(' → ') || 'nothing entered'
          }.`,
        ]
      : []),
    ...(result.redundantAttributes.length ? [`Skipped (same information as another attribute): ${result.redundantAttributes.join(', ')}.`] : []),
  ];
  return {
    format: 'occam.pareto',
    version: 1,
    title: title ?? `Model search (${result.candidates.length} candidates, ranked by ${metric.name})`,
    metric: { name: metric.name, higherIsBetter: true, baseline: metric.baseline === null ? null : { name: baselineName, value: metric.baseline } },
    candidates: result.candidates.map((c) => {
      const families = result.families.flatMap((f) => {
        const label = f.levels[c.levels[f.name] ?? 0];
        return label === undefined || label === 'off' ? [] : [`${f.name}: ${label}`];
      });
      const bits = [
        `AUROC ${c.metrics.auroc?.toFixed(3) ?? '—'} (${languageModel ? 'position only' : 'PSTH'} ${c.metrics.psthAuroc?.toFixed(3) ?? '—'})`,
        `found by ${c.foundBy.join(', ')}`,
        c.key === result.best ? 'best' : null,
        c.key === result.minimal ? 'minimal sufficient' : null,
      ];
      return {
        id: c.key,
        parameters: c.parameters,
        families,
        metric: c.metrics[result.options.rankBy],
        ...(intervals.has(c.key) ? { interval: intervals.get(c.key) } : {}),
        onFront: front.has(c.key),
        chosen: c.key === result.minimal,
        description: bits.filter(Boolean).join('; '),
      };
    }),
    ...(intervals.size ? { intervalLevel: candidateIntervalLevel(input) } : {}),
    notes,
  };
}
