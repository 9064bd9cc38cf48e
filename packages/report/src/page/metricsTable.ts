import type { MetricBlock, ReducedModel, Score } from '@occam/core';
import { formatNumber } from '../svg/format.js';
import { escapeHtml } from './html.js';

const cell = (v: number | null | undefined, digits = 3, strong = false) => `<td class="num${strong ? ' model' : ''}">${formatNumber(v, digits)}</td>`;

function scoreRow(name: string, hint: string, pick: (s: Score) => number | null, m: MetricBlock, digits = 3, nullCell?: number | null): string {
  return (
    `<tr><th scope="row">${escapeHtml(name)}<span class="hint">${escapeHtml(hint)}</span></th>` +
    cell(pick(m.model), digits, true) +
    cell(m.lookup ? pick(m.lookup) : null, digits) +
    cell(pick(m.psth), digits) +
    cell(nullCell !== undefined ? nullCell : pick(m.constant), digits) +
    '</tr>'
  );
}

/** The fixed bins of the trial-to-trial AUROC, as a compact range. */
function binList(bins: number[]): string {
  if (bins.length === 0) return 'none';
  const sorted = bins.slice().sort((a, b) => a - b);
  const contiguous = sorted.every((b, i) => i === 0 || b === sorted[i - 1] + 1);
  return contiguous && sorted.length > 2 ? `bins ${sorted[0]}–${sorted[sorted.length - 1]}` : `bins ${sorted.join(', ')}`;
}

/**
 * Every figure beside the baselines that come for free, on the same bins: the model, its lookup
 * nonlinearity, the time-only baseline (training PSTH) and the constant-rate null; the trial-to-trial AUROC at
 * fixed bins (where a PSTH scores 0.5 by construction), the gain over the PSTH and the coincidence factor.
 */
export function metricBlockTable(block: MetricBlock, fixedBins: number[], caption: string): string {
  const t2t = block.trialToTrialAuroc;
  const rows = [
    scoreRow('AUROC per bin', 'all scored bins', (s) => s.auroc, block),
    scoreRow('log-likelihood per bin', 'nats, higher is better', (s) => s.logLikPerBin, block, 5),
    scoreRow('pseudo-R²', 'deviance, vs constant', (s) => s.pseudoR2, block),
    scoreRow('Brier score', 'lower is better', (s) => s.brier, block, 5),
    scoreRow('accuracy', 'best threshold; null: majority class', (s) => s.accuracy, block, 4, block.nullAccuracy),
    `<tr class="t2t"><th scope="row">trial-to-trial AUROC<span class="hint">${escapeHtml(`${binList(fixedBins)}, ${t2t.bins} bins, ${t2t.events} events; PSTH = 0.5 by construction`)}</span></th>` +
      cell(t2t.model, 3, true) +
      '<td class="num">—</td>' +
      cell(t2t.psth) +
      '<td class="num">—</td></tr>',
  ];
  return (
    `<table class="metrics"><caption>${escapeHtml(caption)}: ${block.model.bins} bins, ${block.model.events} events</caption>` +
    '<thead><tr><th scope="col">measure</th><th scope="col" class="model">model</th><th scope="col">lookup nonlinearity</th>' +
    '<th scope="col">time only (PSTH)</th><th scope="col">constant null</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>` +
    `<p class="gain">Gain over the time-only baseline: <strong>${formatNumber(block.gainOverPsth.bitsPerEvent)}</strong> bits per event, ` +
    `ΔAUROC <strong>${formatNumber(block.gainOverPsth.auroc)}</strong>.</p>`
  );
}

/** Test block in full, the coincidence factor, the training block folded away. */
export function metricsTables(model: ReducedModel): string {
  const m = model.metrics;
  const testCaption = m.testKind === 'kfold' ? `Held-out (${m.folds}-fold, pooled out-of-fold)` : `Held-out (${model.provenance.testTrials.length} test trials)`;
  const gamma = m.coincidence
    ? `<p class="gain">Coincidence factor Γ of simulated against recorded output (±${m.coincidence.deltaBins} bins, ${m.coincidence.trials} held-out trials, ` +
      `${m.coincidence.recordedEvents} recorded / ${m.coincidence.simulatedEvents} simulated events): <strong>${formatNumber(m.coincidence.gamma)}</strong> (1 = perfect, 0 = chance).</p>`
    : '';
  return (
    metricBlockTable(m.test, m.fixedBins, testCaption) +
    gamma +
    `<details><summary>Training trials (in-sample)</summary>${metricBlockTable(m.train, m.fixedBins, 'Training')}</details>`
  );
}

/** One row per model: size and the headline figures beside their baselines. */
export function overviewTable(entries: { id: string; label: string; model: ReducedModel }[]): string {
  const rows = entries.map(({ id, label, model }) => {
    const t = model.metrics.test;
    return (
      `<tr><th scope="row"><a href="#${escapeHtml(id)}">${escapeHtml(label)}</a></th>` +
      `<td class="num">${model.fit.parameters}</td>` +
      `<td>${escapeHtml(model.layout.groups.join('; '))}</td>` +
      cell(t.model.auroc, 3, true) +
      cell(t.psth.auroc) +
      cell(t.trialToTrialAuroc.model, 3, true) +
      cell(t.gainOverPsth.bitsPerEvent) +
      cell(model.metrics.coincidence?.gamma ?? null) +
      '</tr>'
    );
  });
  return (
    '<table class="metrics overview"><caption>Models at a glance (held-out)</caption><thead><tr>' +
    '<th scope="col">model</th><th scope="col">parameters</th><th scope="col">groups</th><th scope="col" class="model">AUROC</th>' +
    '<th scope="col">PSTH AUROC</th><th scope="col" class="model">trial-to-trial AUROC</th><th scope="col">gain (bits/event)</th><th scope="col">Γ</th>' +
    `</tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}
