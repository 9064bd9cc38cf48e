import { chart } from '../svg/chart.js';
import { formatNumber } from '../svg/format.js';
import { linePath } from '../svg/marks.js';
import type { ReportPrediction } from '../data/reportPrediction.js';
import { SERIES } from '../style/palette.js';
import { NEURON_VOCABULARY, type Vocabulary } from '../style/vocabulary.js';

/** ROC of the model and of the time-only baseline on the same held-out bins, the chance diagonal as the null. */
export function rocFigure(roc: NonNullable<ReportPrediction['roc']>, targetName = 'output', words: Vocabulary = NEURON_VOCABULARY): string {
  const unit = [0, 1] as [number, number];
  return chart({
    title: 'ROC curve',
    width: 420,
    height: 400,
    x: { domain: unit, label: `false-positive rate (of ${words.bins} without ${targetName})`, grid: true },
    y: { domain: unit, label: `true-positive rate (of ${words.bins} with ${targetName})`, grid: true },
    legend: [
      { label: `model, AUROC ${formatNumber(roc.model.auroc)}`, colour: SERIES.model, symbol: 'line' },
      {
        label: `${words.kind === 'language-model' ? 'position only' : 'time only (training PSTH)'}, AUROC ${formatNumber(roc.psth.auroc)}`,
        colour: SERIES.baseline,
        symbol: 'dashed',
      },
      { label: 'constant null, AUROC 0.500', colour: SERIES.chance, symbol: 'dotted' },
    ],
    body: (frame) => [
      linePath(frame, [0, 1], [0, 1], { series: 'chance', stroke: SERIES.chance, width: 1.5, dash: 'dotted' }),
      linePath(frame, roc.psth.fpr, roc.psth.tpr, { series: 'psth', stroke: SERIES.baseline, width: 2, dash: 'dashed' }),
      linePath(frame, roc.model.fpr, roc.model.tpr, { series: 'model', stroke: SERIES.model, width: 2.4 }),
    ],
  });
}
