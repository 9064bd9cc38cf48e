import type { SearchResult } from '@occam/core';
import type { ParetoFront } from './paretoFront.js';

const METRIC_NAMES: Record<SearchResult['options']['rankBy'], { name: string; baseline: number }> = {
  llGainOverPsth: { name: 'log-likelihood gain over the PSTH (bits/event)', baseline: 0 },
  trialToTrialAuroc: { name: 'trial-to-trial AUROC', baseline: 0.5 },
};

/**
 * occam's search output (`occam.search`: core's runSearch) as the report's Pareto view: each candidate
 * ranked by the search's own metric (`options.rankBy`), its feature families as "family: level" (levels
 * that are "off" left out), the minimal sufficient model marked chosen, the PSTH's value of the metric as
 * the baseline (0 bits/event, or 0.5 trial-to-trial AUROC by construction).
 */
export function paretoFromSearch(result: SearchResult, title?: string): ParetoFront {
  const metric = METRIC_NAMES[result.options.rankBy];
  const front = new Set(result.paretoFront);
  return {
    format: 'occam.pareto',
    version: 1,
    title: title ?? `Model search (${result.candidates.length} candidates, ranked by ${metric.name})`,
    metric: { name: metric.name, higherIsBetter: true, baseline: { name: 'time only (PSTH)', value: metric.baseline } },
    candidates: result.candidates.map((c) => {
      const families = result.families.flatMap((f) => {
        const label = f.levels[c.levels[f.name] ?? 0];
        return label === undefined || label === 'off' ? [] : [`${f.name}: ${label}`];
      });
      const bits = [
        `AUROC ${c.metrics.auroc?.toFixed(3) ?? '—'} (PSTH ${c.metrics.psthAuroc?.toFixed(3) ?? '—'})`,
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
  };
}
