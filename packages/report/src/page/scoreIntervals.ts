import type { MetricBlock, ReducedModel } from '@occam/core';
import { type ScorePanel, type ScorePoint, scoreIntervalsFigure } from '../figures/scoreIntervalsPlot.js';
import type { ReportInput } from '../input/reportInput.js';
import type { LegendItem } from '../svg/legend.js';
import { SERIES } from '../style/palette.js';
import type { Vocabulary } from '../style/vocabulary.js';
import type { Figure } from './figureCard.js';
import { escapeHtml, type PageIds } from './html.js';
import { estimateOf, isInterval, optionalField, withBlockInterval } from './metricValue.js';

const CONTROL = '#3a3a3a';
/** A difference of two gains, neither the model's purple nor a group's red or blue. */
const SELECTIVITY = '#01665e';

type Column = 'model' | 'psth' | 'lookup';

/** A score as a point: its estimate and, from the value itself or the block's intervals, its interval. */
function point(who: string, colour: string, value: unknown): ScorePoint {
  if (isInterval(value)) return { who, colour, estimate: estimateOf(value), low: value.low ?? null, high: value.high ?? null };
  return { who, colour, estimate: estimateOf(value), low: null, high: null };
}

/** `block.intervals[column][figure]` beside its value (the lookup's intervals sit under `lookup`). */
function scored(block: MetricBlock, column: Column, figure: string, value: unknown): unknown {
  if (column !== 'lookup') return withBlockInterval(block, column, figure, value);
  const pair = optionalField(optionalField(optionalField(block, 'intervals'), 'lookup'), figure);
  if (!Array.isArray(pair) || typeof pair[0] !== 'number' || typeof pair[1] !== 'number') return value;
  return { estimate: estimateOf(value), low: pair[0], high: pair[1] };
}

/** How many events a flagged figure rests on (the scoring's small-sample flags), else null. */
function fewEvents(block: MetricBlock, figure: string): number | null {
  const flagged = optionalField(optionalField(block, 'smallSample'), 'flagged');
  if (!Array.isArray(flagged)) return null;
  const f = flagged.find((x) => optionalField(x, 'figure') === figure);
  const events = optionalField(f, 'events');
  return typeof events === 'number' ? events : null;
}

/** A gain carried by the model's own control comparison (`model.control.gains.control`), as an interval. */
function carriedControlGain(model: ReducedModel, figure: 'bitsPerEvent' | 'stratifiedAuroc'): unknown {
  const gain = optionalField(optionalField(optionalField(optionalField(model, 'control'), 'gains'), 'control'), figure);
  if (!isInterval(gain)) return undefined;
  // The comparison stores the stratified AUROC as a gain over 0.5; the panel shows the AUROC itself.
  if (figure === 'bitsPerEvent') return gain;
  const shift = (v: number | null) => (v === null ? null : v + 0.5);
  return { estimate: shift(gain.estimate), low: shift(gain.low), high: shift(gain.high) };
}

const hasInterval = (p: ScorePanel) => p.points.some((q) => q.low !== null && q.high !== null);
const present = (q: ScorePoint) => q.estimate !== null;

/**
 * The held-out scores as points with error bars (model, lookup, baseline and control side by side, one panel
 * per measure), when the model file carries intervals: the table's brackets as a picture. Null without any
 * interval (older files), so nothing is drawn that only repeats the table.
 */
export function scoreIntervalsFigureFor(input: ReportInput, words: Vocabulary, ids: PageIds, sectionId: string): Figure | null {
  const { model } = input;
  const t = model.metrics.test;
  const control = input.control?.model ?? null;
  const c = control?.metrics.test ?? null;
  const lm = words.kind === 'language-model';
  const baseline = lm ? 'position only' : 'PSTH';
  const carriedKind = optionalField(optionalField(optionalField(model, 'control'), 'control'), 'kind');
  const controlName =
    input.control?.label ?? (optionalField(model, 'control') ? (typeof carriedKind === 'string' ? `${carriedKind} control` : 'control') : null);
  const panels: ScorePanel[] = [];
  const add = (panel: ScorePanel) => {
    panel.points = panel.points.filter(present);
    if (panel.points.length) panels.push(panel);
  };
  add({
    name: `AUROC per ${words.bin}`,
    reference: { value: 0.5, label: 'chance' },
    fewEvents: fewEvents(t, 'auroc'),
    points: [
      point('model', SERIES.model, scored(t, 'model', 'auroc', t.model.auroc)),
      point('lookup', SERIES.lookup, t.lookup ? scored(t, 'lookup', 'auroc', t.lookup.auroc) : null),
      point(baseline, SERIES.baseline, scored(t, 'psth', 'auroc', t.psth.auroc)),
      point(controlName ?? 'control', CONTROL, c ? withBlockInterval(c, 'model', 'auroc', c.model.auroc) : null),
    ],
  });
  add({
    name: words.acrossTrials,
    reference: { value: 0.5, label: `${baseline}, by construction` },
    fewEvents: fewEvents(t, 'trialToTrialAuroc'),
    points: [
      point('model', SERIES.model, scored(t, 'model', 'trialToTrialAuroc', t.trialToTrialAuroc.model)),
      point('lookup', SERIES.lookup, scored(t, 'lookup', 'trialToTrialAuroc', t.trialToTrialAuroc.lookup ?? null)),
      point('control', CONTROL, c ? withBlockInterval(c, 'model', 'trialToTrialAuroc', c.trialToTrialAuroc.model) : null),
    ].map((q) => (q.who === 'control' ? { ...q, who: controlName ?? 'control' } : q)),
  });
  const strat = (b: MetricBlock | null, key: 'model' | 'lookup') => optionalField(optionalField(b, 'stratifiedAuroc'), key);
  if (t.stratifiedAuroc)
    add({
      name: `${lm ? 'position' : 'time'}-stratified AUROC`,
      reference: { value: 0.5, label: `${baseline}, by construction` },
      fewEvents: fewEvents(t, 'stratifiedAuroc'),
      points: [
        point('model', SERIES.model, scored(t, 'model', 'stratifiedAuroc', strat(t, 'model'))),
        point('lookup', SERIES.lookup, scored(t, 'lookup', 'stratifiedAuroc', strat(t, 'lookup') ?? null)),
        point(
          controlName ?? 'control',
          CONTROL,
          c ? withBlockInterval(c, 'model', 'stratifiedAuroc', strat(c, 'model') ?? null) : (carriedControlGain(model, 'stratifiedAuroc') ?? null),
        ),
      ],
    });
  add({
    name: `gain over the ${lm ? 'position-only baseline' : 'PSTH'} (bits/event)`,
    reference: { value: 0, label: 'no gain' },
    fewEvents: fewEvents(t, 'gainOverPsth'),
    points: [
      point('model', SERIES.model, withBlockInterval(t, 'modelMinusPsth', 'bitsPerEventOverPsth', t.gainOverPsth.bitsPerEvent)),
      point(
        controlName ?? 'control',
        CONTROL,
        c ? withBlockInterval(c, 'modelMinusPsth', 'bitsPerEventOverPsth', c.gainOverPsth.bitsPerEvent) : (carriedControlGain(model, 'bitsPerEvent') ?? null),
      ),
    ],
  });
  if (input.selectivity)
    add({
      name: 'selectivity: trained − control gain (bits/event)',
      reference: { value: 0, label: 'no selectivity' },
      points: [point('trained − control', SELECTIVITY, input.selectivity.bitsPerEvent)],
    });
  const gamma = model.metrics.coincidence;
  if (gamma && !lm) {
    const iv = gamma.interval ?? null;
    add({
      name: 'coincidence factor Γ',
      reference: { value: 0, label: 'chance' },
      points: [point('model', SERIES.model, iv ? { estimate: gamma.gamma, low: iv[0], high: iv[1] } : gamma.gamma)],
    });
  }
  if (!panels.some(hasInterval)) return null;
  const whos = new Map<string, string>();
  for (const p of panels) for (const q of p.points) if (!whos.has(q.who)) whos.set(q.who, q.colour);
  const legendItems: LegendItem[] = [...whos].map(([label, colour]) => ({ label, colour, symbol: 'dot' as const }));
  const level = optionalField(optionalField(t, 'intervals'), 'level');
  const pct = typeof level === 'number' ? `${Math.round(level * 100)} %` : '95 %';
  const flagged = panels.filter((p) => p.fewEvents !== undefined && p.fewEvents !== null);
  return {
    id: ids.take(sectionId, 'score-intervals'),
    title: `Held-out scores with ${pct} intervals`,
    svg: scoreIntervalsFigure({ title: `Held-out scores with ${pct} intervals`, panels, legend: legendItems }),
    caption:
      `Each held-out figure of the table above as a dot with its ${pct} interval over resampled ${escapeHtml(words.trials)} (bar; none where the file gives no interval): ` +
      `the model beside ${model.nonlinearity.lookup ? 'its lookup nonlinearity, ' : ''}the ${escapeHtml(words.baselineShort)} baseline${controlName ? ` and the ${escapeHtml(controlName)}` : ''}, one panel per measure on its own scale. ` +
      `Dotted, where near the scores: AUROC 0.5 (chance; the baseline’s score by construction in the ${escapeHtml(words.acrossTrials)}${t.stratifiedAuroc ? ' and stratified' : ''} panel${t.stratifiedAuroc ? 's' : ''}) and a gain of 0. Hover a dot or bar for its numbers.` +
      (flagged.length
        ? ` Marked “few events”: ${flagged.map((p) => escapeHtml(p.name)).join(', ')} rest on fewer events than the scoring trusts; read those bars with care.`
        : ''),
    wide: true,
  };
}
