import type { MetricBlock, ReducedModel } from '@occam/core';
import type { Interval, Selectivity } from '../input/selectivity.js';
import { formatNumber } from '../svg/format.js';
import type { Vocabulary } from '../style/vocabulary.js';
import { escapeHtml } from './html.js';
import { estimateOf, formatMetric, optionalField, withBlockInterval } from './metricValue.js';

/** A control's score beside the trained model's is only a finding above this share of the trained gain. */
const ANSWER_READING_SHARE = 0.5;

function stratified(block: MetricBlock): unknown {
  const s = optionalField(block, 'stratifiedAuroc');
  if (s === undefined || s === null) return undefined;
  return optionalField(s, 'model') ?? s;
}

function difference(a: unknown, b: unknown): number | null {
  const x = estimateOf(a);
  const y = estimateOf(b);
  return x !== null && y !== null ? x - y : null;
}

function row(name: string, hint: string, trained: unknown, control: unknown, diff: unknown, diffHint = ''): string {
  return (
    `<tr><th scope="row">${escapeHtml(name)}<span class="hint">${escapeHtml(hint)}</span></th>` +
    `<td class="num model">${formatMetric(trained)}</td><td class="num">${formatMetric(control)}</td>` +
    `<td class="num">${formatMetric(diff)}${diffHint ? `<span class="hint">${escapeHtml(diffHint)}</span>` : ''}</td></tr>`
  );
}

function verdict(interval: Interval, unit: string): string {
  const { low, high } = interval;
  if (low === null || high === null) return '';
  if (low > 0) return ` The ${unit} interval lies above 0: the trained weights add what the control cannot.`;
  if (high < 0) return ` The ${unit} interval lies below 0: the control predicts better than the trained model.`;
  return ` The ${unit} interval includes 0: this reduction cannot be told apart from its control.`;
}

/** The selectivity sentence: trained gain minus control gain, with its interval and what it means. */
export function selectivityLine(selectivity: Selectivity, words: Vocabulary): string {
  const level =
    selectivity.level !== undefined ? ` (${formatNumber(selectivity.level * 100, 0)} % interval${words.kind === 'language-model' ? ' over prompts' : ''})` : '';
  const strat = selectivity.stratifiedAuroc
    ? `; ${words.kind === 'language-model' ? 'position' : 'time'}-stratified AUROC <strong>${formatMetric(selectivity.stratifiedAuroc)}</strong>`
    : '';
  return (
    `<p class="gain selectivity">Selectivity, the trained model’s gain over ${words.kind === 'language-model' ? 'the position-only' : 'the time-only'} baseline minus the control’s: ` +
    `<strong>${formatMetric(selectivity.bitsPerEvent)}</strong> bits per event${strat}${level}.${verdict(selectivity.bitsPerEvent, 'bits-per-event')}</p>`
  );
}

/**
 * The trained model's held-out scores beside its control's (e.g. the same architecture with random
 * weights, reduced with the same condition, atoms and spec): what the atoms predict whatever the weights is
 * no finding, so the difference is the figure to read. A control that reaches half the trained gain is
 * called out.
 */
export function controlTable(model: ReducedModel, control: ReducedModel, controlLabel: string, selectivity: Selectivity | null, words: Vocabulary): string {
  const t = model.metrics.test;
  const c = control.metrics.test;
  const pointOnly = 'point estimates; no interval given';
  const rows = [
    row(
      `AUROC per ${words.bin}`,
      `all scored ${words.bins}`,
      withBlockInterval(t, 'model', 'auroc', t.model.auroc),
      withBlockInterval(c, 'model', 'auroc', c.model.auroc),
      difference(t.model.auroc, c.model.auroc),
    ),
    row(`${words.baselineShort} AUROC`, 'the baseline each is judged against', t.psth.auroc, c.psth.auroc, difference(t.psth.auroc, c.psth.auroc)),
    row(
      words.acrossTrials,
      `${words.trials} compared at fixed ${words.bins}`,
      withBlockInterval(t, 'model', 'trialToTrialAuroc', t.trialToTrialAuroc.model),
      withBlockInterval(c, 'model', 'trialToTrialAuroc', c.trialToTrialAuroc.model),
      difference(t.trialToTrialAuroc.model, c.trialToTrialAuroc.model),
    ),
  ];
  const ts = stratified(t);
  const cs = stratified(c);
  if (ts !== undefined || cs !== undefined || selectivity?.stratifiedAuroc) {
    rows.push(
      row(
        `${words.kind === 'language-model' ? 'position' : 'time'}-stratified AUROC`,
        `within each ${words.bin}; any function of ${words.kind === 'language-model' ? 'position' : 'time'} alone scores 0.5`,
        withBlockInterval(t, 'model', 'stratifiedAuroc', ts),
        withBlockInterval(c, 'model', 'stratifiedAuroc', cs),
        selectivity?.stratifiedAuroc ?? difference(ts, cs),
        selectivity?.stratifiedAuroc ? 'selectivity' : pointOnly,
      ),
    );
  }
  rows.push(
    row(
      'gain over the baseline (bits/event)',
      `log-likelihood gain over ${words.baselineShort}`,
      withBlockInterval(t, 'modelMinusPsth', 'bitsPerEventOverPsth', t.gainOverPsth.bitsPerEvent),
      withBlockInterval(c, 'modelMinusPsth', 'bitsPerEventOverPsth', c.gainOverPsth.bitsPerEvent),
      selectivity?.bitsPerEvent ?? difference(t.gainOverPsth.bitsPerEvent, c.gainOverPsth.bitsPerEvent),
      selectivity ? 'selectivity' : pointOnly,
    ),
  );
  const trainedGain = estimateOf(t.gainOverPsth.bitsPerEvent);
  const controlGain = estimateOf(c.gainOverPsth.bitsPerEvent);
  const share = trainedGain !== null && controlGain !== null && trainedGain > 0 ? controlGain / trainedGain : null;
  const warning =
    share !== null && share >= ANSWER_READING_SHARE
      ? `<div class="warnings"><p>Warning: the control reaches ${formatNumber(share * 100, 0)} % of the trained model’s gain over the baseline (${formatMetric(controlGain)} of ${formatMetric(trainedGain)} bits per event). ` +
        'These atoms predict the behaviour whatever the weights: they probably read the answer.</p></div>'
      : '';
  return (
    `<table class="metrics control"><caption>Trained model beside its control (held-out): ${escapeHtml(controlLabel)}</caption>` +
    '<thead><tr><th scope="col">measure</th><th scope="col" class="model">trained</th><th scope="col">control</th><th scope="col">trained − control</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>` +
    (selectivity
      ? selectivityLine(selectivity, words)
      : `<p class="note">No selectivity interval was given: the last column holds differences of point estimates only.</p>`) +
    warning
  );
}
