import type { BoundResult } from '@occam/core';
import { type ScorePanel, type ScorePoint, scoreIntervalsFigure } from '../figures/scoreIntervalsPlot.js';
import type { LegendItem } from '../svg/legend.js';
import { SERIES } from '../style/palette.js';
import { figureGrid } from './figureCard.js';
import { escapeHtml, type PageIds } from './html.js';
import { formatMetric, formatSignificantInterval } from './metricValue.js';

type Figures = BoundResult['psth'];
type FigureName = 'bitsPerEventOverPsth' | 'stratifiedAuroc' | 'trialToTrialAuroc';

/** How a predictor of `occam bound` is named and coloured; names the report does not know keep their own. */
const PREDICTORS: Record<string, { who: string; colour: string }> = {
  reduced: { who: 'reduced', colour: SERIES.model },
  richGlm: { who: 'rich GLM', colour: SERIES.richGlm },
  tcn: { who: 'TCN', colour: SERIES.tcn },
};
const EXTRA = ['#1b9e77', '#7570b3', '#e7298a'];

function predictorStyle(name: string, index: number): { who: string; colour: string } {
  return PREDICTORS[name] ?? { who: name, colour: EXTRA[index % EXTRA.length] };
}

function columns(result: BoundResult): { who: string; colour: string; figures: Figures }[] {
  // The reduced model first after the PSTH, then the references in the file's order (rich GLM, then TCN).
  const names = Object.keys(result.predictors).sort((a, b) => (a === 'reduced' ? -1 : b === 'reduced' ? 1 : 0));
  return [{ who: 'PSTH', colour: SERIES.baseline, figures: result.psth }, ...names.map((n, i) => ({ ...predictorStyle(n, i), figures: result.predictors[n] }))];
}

const MEASURES: { figure: FigureName; name: string; reference: { value: number; label: string } }[] = [
  { figure: 'bitsPerEventOverPsth', name: 'log-likelihood gain over the PSTH (bits/event)', reference: { value: 0, label: 'the PSTH' } },
  { figure: 'stratifiedAuroc', name: 'time-stratified AUROC', reference: { value: 0.5, label: 'the PSTH, by construction' } },
  { figure: 'trialToTrialAuroc', name: 'trial-to-trial AUROC', reference: { value: 0.5, label: 'the PSTH, by construction' } },
];

/** One panel per measure, the PSTH, the reduced model and each reference side by side. */
export function boundPanels(result: BoundResult): ScorePanel[] {
  const cols = columns(result);
  return MEASURES.map((m) => ({
    name: m.name,
    reference: m.reference,
    points: cols.map((c): ScorePoint => ({ who: c.who, colour: c.colour, ...c.figures[m.figure] })),
  }));
}

/** The reference's held-out log-likelihood per bin against the reduction's, paired over the same resamples. */
const VERDICT: Record<string, string> = {
  better: 'better than the reduction',
  indistinguishable: 'indistinguishable from the reduction',
  worse: '<strong class="warn">worse than the reduction: no upper bound on these data</strong>',
  none: '— (no interval)',
};

function referenceName(name: string): string {
  return PREDICTORS[name]?.who ?? name;
}

/** The captured fractions: one row per reference and gain, with the gains they divide, or why there is none. */
function capturedTable(result: BoundResult): string {
  const pct = `${Math.round(result.bootstrap.level * 100)} %`;
  const rows = result.references.flatMap((r) =>
    (
      [
        ['log-likelihood gain (bits/event)', r.logLikGain, 3],
        ['stratified-AUROC gain', r.stratifiedAurocGain, 3],
      ] as const
    ).map(([what, f, digits], k) => {
      const fraction =
        f.estimate === null
          ? `<td class="null-fraction">— <span class="hint">${escapeHtml(f.reason ?? 'not reported')}</span></td>`
          : `<td class="num">${formatMetric(f, 3)}${f.reason ? `<span class="hint">${escapeHtml(f.reason)}</span>` : ''}</td>`;
      return (
        '<tr>' +
        (k === 0 ? `<th scope="row" rowspan="2">${escapeHtml(referenceName(r.reference))}</th>` : '') +
        `<td>${escapeHtml(what)}</td>` +
        `<td class="num">${formatMetric(f.reducedGain, digits)}</td>` +
        `<td class="num">${formatMetric(f.referenceGain, digits)}</td>` +
        fraction +
        (k === 0
          ? `<td rowspan="2">${VERDICT[r.referenceVsReduced ?? 'none']}<span class="hint">log-lik per bin ${formatSignificantInterval(r.referenceMinusReduced.logLikPerBin)}</span></td>`
          : '') +
        '</tr>'
      );
    }),
  );
  return (
    `<table class="metrics bound"><caption>How much of each reference’s gain over the PSTH the reduction captures (held-out; in brackets: ${pct} interval over ${result.bootstrap.resamples} resamples of ${result.bootstrap.trials} trials)</caption>` +
    '<thead><tr><th>reference</th><th>gain over the PSTH</th><th>reduced</th><th>reference</th><th>captured fraction</th><th>reference vs reduced</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function description(result: BoundResult): string {
  const v = result.validation;
  const g = result.richGlm;
  const bits = [
    result.dataset.path ? `dataset <code>${escapeHtml(result.dataset.path)}</code>` : 'dataset (path not recorded)',
    `${result.dataset.nTrials} trials × ${result.dataset.nBins} bins, ${result.dataset.atoms} atoms`,
    result.model.path ? `model <code>${escapeHtml(result.model.path)}</code>` : null,
    `reduced: ${result.model.parameters} parameters (${result.model.headline === 'lookup' ? 'lookup nonlinearity' : 'link'})`,
    `${v.kind === 'kfold' ? `${v.folds}-fold` : 'split'} validation: ${v.heldOutTrials} held-out trials, ${v.heldOutBins} bins`,
    `rich GLM: ${g.columns} columns${g.interactionColumns ? `, ${g.interactionColumns} interaction` : ''}`,
    result.tcn ? `TCN: ${escapeHtml(result.tcn.description)}` : 'no TCN given',
    `occam ${escapeHtml(result.occamVersion)}`,
  ];
  return bits.filter(Boolean).join(' · ');
}

/** `occam bound`: the reduced model beside the PSTH and its upper-bound references, and the share of their gain it captures. */
export function boundSection(result: BoundResult, sectionId: string, ids: PageIds): string {
  const panels = boundPanels(result);
  const whos = new Map<string, string>();
  for (const p of panels) for (const q of p.points) if (!whos.has(q.who)) whos.set(q.who, q.colour);
  const legendItems: LegendItem[] = [...whos].map(([label, colour]) => ({ label, colour, symbol: 'dot' as const }));
  const pct = `${Math.round(result.bootstrap.level * 100)} %`;
  const title = `Reduced model beside its bounds, with ${pct} intervals`;
  const figure = {
    id: ids.take(sectionId, 'scores'),
    title,
    svg: scoreIntervalsFigure({ title, panels, legend: legendItems }),
    caption:
      `The same held-out trials scored by the PSTH, the reduced model and each reference that bounds what its inputs can predict (the rich GLM${result.tcn ? ' and the TCN' : ''}): a dot at each estimate, a bar over its ${pct} interval over resampled trials. ` +
      'Dotted, where near the scores: no gain over the PSTH (0), and AUROC 0.5 (the PSTH’s stratified and trial-to-trial score by construction). A reduction close to its references has left little that its inputs could still explain. Hover a dot or bar for its numbers.',
    wide: true,
  };
  return (
    `<section class="bound" id="${escapeHtml(sectionId)}"><h2>Upper bounds${result.model.path ? `: ${escapeHtml(result.model.path)}` : ''}</h2>` +
    `<p class="provenance">${description(result)}</p>` +
    capturedTable(result) +
    figureGrid([figure]) +
    '</section>'
  );
}
