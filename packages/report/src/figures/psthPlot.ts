import type { ReportPrediction } from '../data/reportPrediction.js';
import { chart } from '../svg/chart.js';
import { linePath, stepPath } from '../svg/marks.js';
import { extent } from '../svg/scale.js';
import { SERIES } from '../style/palette.js';
import { outputAxisLabel, timeAxisLabel } from '../style/units.js';
import { vocabularyForUnit, type Vocabulary } from '../style/vocabulary.js';
import { MARKER_HEADROOM, binTime, binTimes, timeContext, trialDomain } from './timeAxis.js';

/**
 * Mean output per bin over the held-out trials: recorded (black steps), the model's prediction (purple),
 * the time-only baseline the model must beat (grey dashed) and the model's simulated output (purple dotted).
 */
export function psthFigure(prediction: ReportPrediction, family: string, words: Vocabulary = vocabularyForUnit(prediction.time.unit)): string {
  const lm = words.kind === 'language-model';
  const { psth, time, nBins, targetName } = prediction;
  const starts = binTimes(time, nBins);
  const centres = starts.map((s) => s + time.binWidth / 2);
  const stepX = [...starts, binTime(time, nBins)];
  const stepY = [...psth.recorded, psth.recorded[nBins - 1]];
  const model = psth.model.map((v) => v ?? NaN);
  const baseline = psth.baseline.map((v) => v ?? NaN);
  const ys = [...psth.recorded, ...model, ...baseline, ...(psth.simulated ?? [])];
  return chart({
    title: lm ? 'Mean per position: recorded, predicted, position-only baseline' : 'PSTH: recorded, predicted, time-only baseline',
    width: 960,
    height: 340,
    x: { domain: trialDomain(time, nBins), label: timeAxisLabel(time.unit) },
    y: {
      domain: extent(ys, { includeZero: family !== 'gaussian', pad: 0.05 }),
      label: outputAxisLabel(family, targetName, time.binWidth, time.unit),
      grid: true,
    },
    legend: [
      { label: `recorded (${psth.trials} ${words.trials})`, colour: SERIES.recorded, symbol: 'line' },
      { label: 'model prediction', colour: SERIES.model, symbol: 'line' },
      { label: lm ? 'position only (training mean per position)' : 'time only (training PSTH)', colour: SERIES.baseline, symbol: 'dashed' },
      ...(psth.simulated
        ? [{ label: `${lm ? 'sampled' : 'simulated'} (${psth.simulatedTrials} ${words.trials})`, colour: SERIES.simulated, symbol: 'dotted' as const }]
        : []),
      { label: 'scored window', colour: '#dddddd', symbol: 'swatch' },
    ],
    headroom: Object.keys(prediction.time.markers).length ? MARKER_HEADROOM : 0,
    body: (frame) => [
      ...timeContext(frame, prediction),
      stepPath(frame, stepX, stepY, { series: 'recorded', stroke: SERIES.recorded, width: 1.4 }),
      linePath(frame, centres, baseline, { series: 'baseline', stroke: SERIES.baseline, width: 2, dash: 'dashed' }),
      psth.simulated ? linePath(frame, centres, psth.simulated, { series: 'simulated', stroke: SERIES.simulated, width: 1.8, dash: 'dotted' }) : '',
      linePath(frame, centres, model, { series: 'model', stroke: SERIES.model, width: 2.2 }),
    ],
  });
}
