import type { ReportPrediction } from '../data/reportPrediction.js';
import { chart } from '../svg/chart.js';
import { el, text } from '../svg/markup.js';
import { tickRow } from '../svg/marks.js';
import { SERIES } from '../style/palette.js';
import { timeAxisLabel } from '../style/units.js';
import { vocabularyForUnit, type Vocabulary } from '../style/vocabulary.js';
import { MARKER_HEADROOM, binTime, timeContext, trialDomain } from './timeAxis.js';

/**
 * Raster of held-out trials: recorded output (black, top block) and the model's simulated output with its
 * own history feedback (purple, bottom block) on the same trials, one row per trial.
 */
export function rasterFigure(prediction: ReportPrediction, words: Vocabulary = vocabularyForUnit(prediction.time.unit)): string {
  const lm = words.kind === 'language-model';
  const { raster, time, nBins, targetName } = prediction;
  const n = raster.trials.length;
  const blocks: { name: string; colour: string; rows: number[][] }[] = [{ name: 'recorded', colour: SERIES.recorded, rows: raster.recorded }];
  if (raster.simulated) blocks.push({ name: lm ? 'sampled' : 'simulated', colour: SERIES.simulated, rows: raster.simulated });
  const gap = Math.max(1, Math.round(n / 10));
  const total = blocks.length * n + (blocks.length - 1) * gap;
  const centre = (b: number) => b * (n + gap) + n / 2;
  const t = (bin: number) => binTime(time, bin) + time.binWidth / 2;
  return chart({
    title: lm ? 'Positions with the behaviour: recorded and sampled from the model' : 'Raster: recorded and simulated output',
    width: 960,
    height: Math.max(300, 130 + total * 7),
    x: { domain: trialDomain(time, nBins), label: timeAxisLabel(time.unit) },
    y: {
      domain: [0, total],
      reversed: true,
      label: `${words.trials} (${n} held-out, one row each)`,
      tickLabels: blocks.map((b, i) => ({ value: centre(i), label: b.name })),
    },
    legend: [
      { label: `recorded ${targetName}`, colour: SERIES.recorded, symbol: 'tick' },
      ...(raster.simulated
        ? [
            {
              label: lm ? 'sampled from the reduced model' : 'simulated by the model (own history fed back)',
              colour: SERIES.simulated,
              symbol: 'tick' as const,
            },
          ]
        : []),
      { label: 'scored window', colour: '#dddddd', symbol: 'swatch' },
    ],
    headroom: Object.keys(prediction.time.markers).length ? MARKER_HEADROOM : 0,
    body: (frame) => {
      const out = timeContext(frame, prediction);
      blocks.forEach((block, b) => {
        let d = '';
        let count = 0;
        block.rows.forEach((bins, r) => {
          const row = b * (n + gap) + r;
          d += tickRow(frame, bins.map(t), frame.y(row + 0.1), frame.y(row + 0.9));
          count += bins.length;
        });
        if (d) out.push(el('path', { class: 'mark', 'data-series': block.name, 'data-points': count, d, stroke: block.colour, 'stroke-width': 1.5 }));
        else
          out.push(
            text(`no ${targetName} in these ${words.trials}`, {
              x: (frame.left + frame.right) / 2,
              y: frame.y(centre(b)),
              'text-anchor': 'middle',
              fill: '#777777',
            }),
          );
      });
      return out;
    },
  });
}
