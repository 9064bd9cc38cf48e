import { SearchResultSchema, type SearchResult } from '@occam/core';
import type { ParetoFront } from './paretoFront.js';

// Keyed by string, not by the schema's enum: a search written with a ranking this report does not know yet
// still draws (under the metric's own name).
const METRIC_NAMES: Record<string, { name: string; baseline: number | null }> = {
  llGainOverPsth: { name: 'log-likelihood gain over the PSTH (bits/event)', baseline: 0 },
  trialToTrialAuroc: { name: 'trial-to-trial AUROC', baseline: 0.5 },
  stratifiedAuroc: { name: 'position-stratified AUROC', baseline: 0.5 },
};
const SUFFICIENCY_NAMES: Record<string, string> = { auroc: 'AUROC', trialToTrialAuroc: 'trial-to-trial AUROC', stratifiedAuroc: 'position-stratified AUROC' };

/**
 * occam's search output (`occam.search`: core's runSearch) as the report's Pareto view: each candidate
 * ranked by the search's own metric (`options.rankBy`), its feature families as "family: level" (levels
 * that are "off" left out), the minimal sufficient model marked chosen, the PSTH's value of the metric as
 * the baseline (0 bits/event, or 0.5 trial-to-trial AUROC by construction).
 */
export function paretoFromSearch(input: SearchResult, title?: string): ParetoFront {
  // Fields added after version 1 (notes' sources) default when absent: parse, do not trust the object's age.
  const result = SearchResultSchema.parse(input);
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
        onFront: front.has(c.key),
        chosen: c.key === result.minimal,
        description: bits.filter(Boolean).join('; '),
      };
    }),
    notes,
  };
}
