import type { MetricBlock, ReducedModel, Score } from '@occam/core';
import { vocabularyFor, type Vocabulary } from '../style/vocabulary.js';
import { escapeHtml } from './html.js';
import { estimateOf, formatMetric, optionalField, withBlockInterval } from './metricValue.js';

/** The lookup nonlinearity's score with its interval (`block.intervals.lookup[figure]`) when the file has one. */
function withLookupInterval(block: MetricBlock, figure: string, value: unknown): unknown {
  const pair = optionalField(optionalField(optionalField(block, 'intervals'), 'lookup'), figure);
  if (!Array.isArray(pair) || typeof pair[0] !== 'number' || typeof pair[1] !== 'number') return value;
  return { estimate: estimateOf(value), low: pair[0], high: pair[1] };
}

const cell = (v: unknown, digits = 3, strong = false) => `<td class="num${strong ? ' model' : ''}">${formatMetric(v, digits)}</td>`;

function scoreRow(name: string, hint: string, figure: keyof Score, m: MetricBlock, digits = 3, nullCell?: unknown): string {
  const pick = (s: Score) => s[figure];
  return (
    `<tr><th scope="row">${escapeHtml(name)}<span class="hint">${escapeHtml(hint)}</span></th>` +
    cell(withBlockInterval(m, 'model', figure, pick(m.model)), digits, true) +
    cell(m.lookup ? withLookupInterval(m, figure, pick(m.lookup)) : null, digits) +
    cell(withBlockInterval(m, 'psth', figure, pick(m.psth)), digits) +
    cell(nullCell !== undefined ? nullCell : pick(m.constant), digits) +
    '</tr>'
  );
}

/** The fixed bins of the trial-to-trial AUROC, as a compact range. */
function binList(bins: number[], words: Vocabulary): string {
  if (bins.length === 0) return 'none';
  const sorted = bins.slice().sort((a, b) => a - b);
  const contiguous = sorted.every((b, i) => i === 0 || b === sorted[i - 1] + 1);
  return contiguous && sorted.length > 2 ? `${words.bins} ${sorted[0]}–${sorted[sorted.length - 1]}` : `${words.bins} ${sorted.join(', ')}`;
}

/**
 * The position-stratified AUROC where the scoring wrote one (positives and negatives compared only within
 * the same bin, so any function of position alone scores 0.5): `{ model, psth }`, or a bare score.
 */
function stratifiedRow(block: MetricBlock, words: Vocabulary): string {
  const s = optionalField(block, 'stratifiedAuroc');
  if (s === undefined || s === null) return '';
  const model = optionalField(s, 'model') ?? s;
  const psth = optionalField(s, 'psth') ?? 0.5;
  return (
    `<tr class="stratified"><th scope="row">${words.kind === 'language-model' ? 'position' : 'time'}-stratified AUROC` +
    `<span class="hint">${escapeHtml(`positives against negatives of the same ${words.bin}, pooled over all ${words.bins}; ${words.baselineShort} = 0.5 by construction`)}</span></th>` +
    cell(withBlockInterval(block, 'model', 'stratifiedAuroc', model), 3, true) +
    (typeof optionalField(s, 'lookup') === 'number'
      ? cell(withLookupInterval(block, 'stratifiedAuroc', optionalField(s, 'lookup')))
      : '<td class="num">—</td>') +
    cell(psth) +
    '<td class="num">—</td></tr>'
  );
}

/** How the intervals in brackets were made, when the block carries them. */
function intervalNote(block: MetricBlock, words: Vocabulary): string {
  const iv = optionalField(block, 'intervals');
  const level = optionalField(iv, 'level');
  const resamples = optionalField(iv, 'resamples');
  if (typeof level !== 'number') return '';
  return `<p class="hint-line">In brackets: ${Math.round(level * 100)} % bootstrap interval${typeof resamples === 'number' ? ` (${resamples} resamples of whole ${words.trials})` : ` over ${words.trials}`}.</p>`;
}

/** Figures resting on few events, as the scoring flagged them. */
function smallSampleNote(block: MetricBlock): string {
  const flagged = optionalField(optionalField(block, 'smallSample'), 'flagged');
  const minEvents = optionalField(optionalField(block, 'smallSample'), 'minEvents');
  if (!Array.isArray(flagged) || flagged.length === 0) return '';
  const list = flagged.map((f) => `${String(optionalField(f, 'figure'))} (${String(optionalField(f, 'events'))} events)`).join(', ');
  return `<p class="warnings">Few events: ${escapeHtml(list)} rest on fewer than ${escapeHtml(String(minEvents))} events of the rarer class; read them with care.</p>`;
}

/** Which figure decides whether the inputs explain the output, as the fit recorded it. */
function decidingNote(model: ReducedModel): string {
  const d = optionalField(model.metrics, 'decidingMetric');
  const metric = optionalField(d, 'metric');
  if (typeof metric !== 'string') return '';
  const names: Record<string, string> = {
    stratifiedAuroc: 'the position-stratified AUROC',
    trialToTrialAuroc: 'the trial-to-trial AUROC',
    pseudoR2: 'pseudo-R²',
  };
  const why = optionalField(d, 'why');
  return `<p class="gain">Deciding figure: <strong>${escapeHtml(names[metric] ?? metric)}</strong>${typeof why === 'string' ? ` — ${escapeHtml(why)}` : ''}.</p>`;
}

/**
 * Every figure beside the baselines that come for free, on the same bins: the model, its lookup
 * nonlinearity, the time-only baseline (training PSTH; for language models the mean per position) and the
 * constant-rate null; the trial-to-trial AUROC at fixed bins (where the baseline scores 0.5 by
 * construction), the stratified AUROC when scored, and the gain over the baseline.
 */
export function metricBlockTable(block: MetricBlock, fixedBins: number[], caption: string, words: Vocabulary): string {
  const t2t = block.trialToTrialAuroc;
  const events = (n: number) => (words.kind === 'language-model' ? `${n} with the behaviour` : `${n} events`);
  const rows = [
    scoreRow('AUROC per ' + words.bin, `all scored ${words.bins}`, 'auroc', block),
    scoreRow('log-likelihood per ' + words.bin, 'nats, higher is better', 'logLikPerBin', block, 5),
    scoreRow('pseudo-R²', 'deviance, vs constant', 'pseudoR2', block),
    scoreRow('Brier score', 'lower is better', 'brier', block, 5),
    scoreRow('accuracy', 'best threshold; null: majority class', 'accuracy', block, 4, block.nullAccuracy),
    `<tr class="t2t"><th scope="row">${escapeHtml(words.acrossTrials)}<span class="hint">${escapeHtml(
      `${words.trials} compared at fixed ${binList(fixedBins, words)}, ${t2t.bins} ${words.bins}, ${events(t2t.events)}; ${words.baselineShort} = 0.5 by construction`,
    )}</span></th>` +
      cell(withBlockInterval(block, 'model', 'trialToTrialAuroc', t2t.model), 3, true) +
      (t2t.lookup !== undefined && t2t.lookup !== null ? cell(withLookupInterval(block, 'trialToTrialAuroc', t2t.lookup)) : '<td class="num">—</td>') +
      cell(t2t.psth) +
      '<td class="num">—</td></tr>',
    stratifiedRow(block, words),
  ];
  const gain = block.gainOverPsth;
  return (
    `<table class="metrics"><caption>${escapeHtml(caption)}: ${block.model.bins} ${words.bins}, ${events(block.model.events)}</caption>` +
    '<thead><tr><th scope="col">measure</th><th scope="col" class="model">model</th><th scope="col">lookup nonlinearity</th>' +
    `<th scope="col">${escapeHtml(words.baselineShort)}</th><th scope="col">constant null</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>` +
    `<p class="gain">Gain over ${words.kind === 'language-model' ? 'the position-only' : 'the time-only'} baseline: <strong>${formatMetric(withBlockInterval(block, 'modelMinusPsth', 'bitsPerEventOverPsth', gain.bitsPerEvent))}</strong> bits per event, ` +
    `ΔAUROC <strong>${formatMetric(withBlockInterval(block, 'modelMinusPsth', 'auroc', gain.auroc))}</strong>.</p>` +
    intervalNote(block, words) +
    smallSampleNote(block)
  );
}

/**
 * Test block in full, the coincidence factor (neurons only: Γ compares simulated and recorded spike
 * trains, which means nothing for a behaviour read once per token), the training block folded away.
 */
export function metricsTables(model: ReducedModel): string {
  const words = vocabularyFor(model);
  const m = model.metrics;
  const testCaption =
    m.testKind === 'kfold' ? `Held-out (${m.folds}-fold, pooled out-of-fold)` : `Held-out (${model.provenance.testTrials.length} test ${words.trials})`;
  const gamma =
    m.coincidence && words.kind === 'neuron'
      ? `<p class="gain">Coincidence factor Γ of simulated against recorded output (±${m.coincidence.deltaBins} bins, ${m.coincidence.trials} held-out trials, ` +
        `${m.coincidence.recordedEvents} recorded / ${m.coincidence.simulatedEvents} simulated events): <strong>${formatMetric(m.coincidence.interval ? { estimate: m.coincidence.gamma, low: m.coincidence.interval[0], high: m.coincidence.interval[1] } : m.coincidence.gamma)}</strong> (1 = perfect, 0 = chance).</p>`
      : '';
  return (
    metricBlockTable(m.test, m.fixedBins, testCaption, words) +
    decidingNote(model) +
    gamma +
    `<details><summary>Training ${words.trials} (in-sample)</summary>${metricBlockTable(m.train, m.fixedBins, 'Training', words)}</details>`
  );
}

/** Γ with its interval over resampled trials when the file has one. */
function gammaWithInterval(model: ReducedModel): unknown {
  const co = model.metrics.coincidence;
  if (!co) return null;
  return co.interval ? { estimate: co.gamma, low: co.interval[0], high: co.interval[1] } : co.gamma;
}

/** One row per model: size and the headline figures beside their baselines; Γ only where a neuron is among them. */
export function overviewTable(entries: { id: string; label: string; model: ReducedModel }[]): string {
  const anyNeuron = entries.some((e) => vocabularyFor(e.model).kind === 'neuron');
  const allLanguage = entries.every((e) => vocabularyFor(e.model).kind === 'language-model');
  const rows = entries.map(({ id, label, model }) => {
    const t = model.metrics.test;
    const neuron = vocabularyFor(model).kind === 'neuron';
    return (
      `<tr><th scope="row"><a href="#${escapeHtml(id)}">${escapeHtml(label)}</a></th>` +
      `<td class="num">${model.fit.parameters}</td>` +
      `<td>${escapeHtml(model.layout.groups.join('; '))}</td>` +
      cell(withBlockInterval(t, 'model', 'auroc', t.model.auroc), 3, true) +
      cell(withBlockInterval(t, 'psth', 'auroc', t.psth.auroc)) +
      cell(withBlockInterval(t, 'model', 'trialToTrialAuroc', t.trialToTrialAuroc.model), 3, true) +
      cell(withBlockInterval(t, 'modelMinusPsth', 'bitsPerEventOverPsth', t.gainOverPsth.bitsPerEvent)) +
      (anyNeuron ? (neuron ? cell(gammaWithInterval(model)) : '<td class="num">n/a</td>') : '') +
      '</tr>'
    );
  });
  const baseline = allLanguage ? 'position-only AUROC' : 'PSTH AUROC';
  const across = allLanguage ? 'prompt-to-prompt AUROC' : 'trial-to-trial AUROC';
  return (
    '<table class="metrics overview"><caption>Models at a glance (held-out)</caption><thead><tr>' +
    '<th scope="col">model</th><th scope="col">parameters</th><th scope="col">groups</th><th scope="col" class="model">AUROC</th>' +
    `<th scope="col">${baseline}</th><th scope="col" class="model">${across}</th><th scope="col">gain (bits/event)</th>${anyNeuron ? '<th scope="col">Γ</th>' : ''}` +
    `</tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}
