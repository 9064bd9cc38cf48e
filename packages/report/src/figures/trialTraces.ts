import type { ReportPrediction } from '../data/reportPrediction.js';
import { bottomAxis, leftAxis } from '../svg/axis.js';
import { legend, legendHeight, type LegendItem } from '../svg/legend.js';
import { el, text } from '../svg/markup.js';
import { areaPath, linePath, tickRow } from '../svg/marks.js';
import { plotFrame } from '../svg/plotFrame.js';
import { niceTicks } from '../svg/scale.js';
import { svgDocument } from '../svg/svgDocument.js';
import { SERIES } from '../style/palette.js';
import { outputAxisLabel, timeAxisLabel } from '../style/units.js';
import { vocabularyForUnit, type Vocabulary } from '../style/vocabulary.js';
import { MARKER_HEADROOM, binTimes, timeContext, trialDomain } from './timeAxis.js';

const WIDTH = 960;
const LANE = 92;
const LEFT = 74;

/**
 * Predicted output against recorded output for a few held-out trials, one lane per trial on a shared time
 * axis: the model's prediction at every bin (purple, filled), the time-only baseline (grey dashed), and
 * each recorded event as a black tick along the lane's top (or the recorded trace, for real-valued output).
 */
export function trialTracesFigure(prediction: ReportPrediction, family: string, words: Vocabulary = vocabularyForUnit(prediction.time.unit)): string {
  const { examples, time, nBins, targetName } = prediction;
  const spikes = family !== 'gaussian';
  const times = binTimes(time, nBins).map((t) => t + time.binWidth / 2);
  let top = 0;
  for (const ex of examples) {
    for (const v of ex.predicted) if (Number.isFinite(v)) top = Math.max(top, v);
    if (!spikes) for (const v of ex.recorded) top = Math.max(top, v);
  }
  const ticks = niceTicks(0, top || 1, 2);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
  while (ticks[ticks.length - 1] < top) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  const yMax = ticks[ticks.length - 1] || 1;
  // Room right of the lanes for each lane's name (bold), so it never sits on the data.
  const RIGHT = 24 + Math.max(...examples.map((ex) => `${words.trial} ${ex.trial}`.length), 1) * 8.4;
  const items: LegendItem[] = [
    { label: 'model prediction', colour: SERIES.model, symbol: 'line' },
    {
      label: words.kind === 'language-model' ? 'position only (training mean per position)' : 'time only (training PSTH)',
      colour: SERIES.baseline,
      symbol: 'dashed',
    },
    spikes
      ? { label: `recorded ${targetName}`, colour: SERIES.recorded, symbol: 'tick' }
      : { label: `recorded ${targetName}`, colour: SERIES.recorded, symbol: 'line' },
    { label: 'scored window', colour: '#dddddd', symbol: 'swatch' },
  ];
  const legendTop = 6;
  const lanesTop = legendTop + legendHeight(items, WIDTH - LEFT - 20) + 4 + (Object.keys(time.markers).length ? MARKER_HEADROOM : 0);
  const height = lanesTop + examples.length * LANE + 52;
  const parts: string[] = [legend(items, LEFT, legendTop, WIDTH - LEFT - 20)];
  examples.forEach((ex, k) => {
    const laneTop = lanesTop + k * LANE;
    const frame = plotFrame({
      width: WIDTH,
      height: laneTop + LANE,
      margin: { top: laneTop + 4, right: RIGHT, bottom: 10, left: LEFT },
      x: { domain: trialDomain(time, nBins) },
      y: { domain: [0, spikes ? yMax * 1.4 : yMax * 1.05] },
    });
    const laneParts = [
      ...timeContext(frame, prediction, { labels: k === 0 }),
      leftAxis(frame, { label: '', ticks }),
      areaPath(frame, times, ex.predicted, 0, SERIES.model),
      linePath(
        frame,
        times,
        ex.baseline.map((v) => v ?? NaN),
        { series: 'baseline', stroke: SERIES.baseline, width: 1.5, dash: 'dashed' },
      ),
      linePath(frame, times, ex.predicted, { series: 'model', stroke: SERIES.model, width: 1.8 }),
    ];
    if (spikes) {
      const d = tickRow(
        frame,
        ex.events.map((b) => times[b]),
        frame.y(yMax * 1.12),
        frame.y(yMax * 1.38),
      );
      if (d)
        laneParts.push(
          el('path', { class: 'mark', 'data-series': 'recorded', 'data-points': ex.events.length, d, stroke: SERIES.recorded, 'stroke-width': 1.6 }),
        );
    } else {
      laneParts.push(linePath(frame, times, ex.recorded, { series: 'recorded', stroke: SERIES.recorded, width: 1.4 }));
    }
    laneParts.push(text(`${words.trial} ${ex.trial}`, { x: frame.right + 10, y: (frame.top + frame.bottom) / 2 + 4, fill: '#333333', 'font-weight': 'bold' }));
    if (k === examples.length - 1) laneParts.push(bottomAxis({ ...frame, bottom: frame.bottom }, { label: timeAxisLabel(time.unit) }));
    parts.push(el('g', { class: 'lane' }, ...laneParts));
  });
  const cy = lanesTop + (examples.length * LANE) / 2;
  parts.push(
    text(outputAxisLabel(family, targetName, time.binWidth, time.unit), {
      x: 16,
      y: cy,
      transform: `rotate(-90 16 ${cy})`,
      'text-anchor': 'middle',
      'font-size': 13,
      fill: '#1a1a1a',
    }),
  );
  return svgDocument(WIDTH, height, `Predicted against recorded output, example ${words.trials}`, parts);
}
