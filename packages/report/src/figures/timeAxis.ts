import type { ReportPrediction } from '../data/reportPrediction.js';
import { el, text } from '../svg/markup.js';
import { rule, xBand } from '../svg/marks.js';
import type { PlotFrame } from '../svg/plotFrame.js';
import { SERIES } from '../style/palette.js';

type Time = ReportPrediction['time'];

/** Time of a bin's start in the dataset's unit. */
export function binTime(time: Time, bin: number): number {
  return time.origin + bin * time.binWidth;
}

/** Times of bins 0…nBins−1 (bin starts). */
export function binTimes(time: Time, nBins: number): number[] {
  return Array.from({ length: nBins }, (_, b) => binTime(time, b));
}

/** The x range of a whole trial. */
export function trialDomain(time: Time, nBins: number): [number, number] {
  return [binTime(time, 0), binTime(time, nBins)];
}

const MARKER = '#8a6d00';

/** Room above the plot for marker names. */
export const MARKER_HEADROOM = 14;

/** Behind the data: the scored window shaded, each named marker (stimulus…) as a thin dark-gold line, named above the plot. */
export function timeContext(frame: PlotFrame, prediction: ReportPrediction, options: { labels?: boolean } = {}): string[] {
  const out: string[] = [];
  const { scoredBins, time } = prediction;
  if (scoredBins) out.push(xBand(frame, binTime(time, scoredBins[0]), binTime(time, scoredBins[1] + 1), SERIES.shade));
  for (const [name, bin] of Object.entries(time.markers)) {
    const t = binTime(time, bin);
    out.push(rule(frame, 'x', t, { stroke: MARKER, width: 1.2 }));
    if (options.labels !== false) out.push(text(name, { x: frame.x(t), y: frame.top - 4, 'text-anchor': 'middle', fill: MARKER, 'font-size': 11 }));
  }
  return [el('g', { class: 'time-context' }, ...out)];
}
