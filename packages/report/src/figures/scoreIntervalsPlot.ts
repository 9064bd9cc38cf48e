import { leftAxis } from '../svg/axis.js';
import { formatNumber } from '../svg/format.js';
import { legend, legendHeight, type LegendItem } from '../svg/legend.js';
import { el, text, tooltip } from '../svg/markup.js';
import { errorBars, rule } from '../svg/marks.js';
import { plotFrame } from '../svg/plotFrame.js';
import { extent } from '../svg/scale.js';
import { svgDocument } from '../svg/svgDocument.js';
import { wrapText } from '../svg/wrapText.js';

/** One scored column of one measure: its estimate and interval (null ends where none was computed). */
export interface ScorePoint {
  /** Who scored it, as in the legend: "model", "lookup", "PSTH", "control". */
  who: string;
  colour: string;
  estimate: number | null;
  low: number | null;
  high: number | null;
}

/** One measure, one panel on its own y scale. */
export interface ScorePanel {
  /** The measure with its unit: "AUROC", "gain over the PSTH (bits/event)". */
  name: string;
  points: ScorePoint[];
  /** A reference level drawn dotted (chance AUROC 0.5, no gain 0). */
  reference?: { value: number; label: string };
  /** Events the figure rests on when the scoring flagged it as few. */
  fewEvents?: number | null;
}

const WIDTH = 960;
const GAP_X = 26;
const PLOT_HEIGHT = 150;
const TITLE_LINE = 15;
const AXIS_ROOM = 56;
const CHAR = 7.3;
const BOTTOM = 14;
const FLAG = '#b35806';

/** Whether a reference level lies within twice the scores' own spread of them (so showing it keeps the bars readable). */
function nearReference(values: number[], reference: number): boolean {
  if (values.length === 0) return true;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const distance = reference < lo ? lo - reference : reference > hi ? reference - hi : 0;
  return distance <= 2 * Math.max(hi - lo, 1e-9);
}

/**
 * Scores beside each other with their intervals: one small panel per measure (each on its own scale, since
 * AUROCs and bits per event do not share one), a dot at each column's estimate and an error bar over its
 * interval, colours explained once in the legend above. A measure the scoring flagged as resting on few
 * events says so above its panel.
 */
export function scoreIntervalsFigure(options: { title: string; panels: ScorePanel[]; legend: LegendItem[] }): string {
  const panels = options.panels;
  const cols = Math.min(3, panels.length);
  const rows = Math.ceil(panels.length / cols);
  const panelWidth = (WIDTH - 10 - (cols - 1) * GAP_X) / cols;
  const plotWidth = panelWidth - AXIS_ROOM;
  const titles = panels.map((p) => wrapText(p.name, plotWidth / CHAR));
  const flagLines = panels.map((p) => (p.fewEvents !== undefined && p.fewEvents !== null ? 1 : 0));
  const header = Math.max(1, ...titles.map((t, i) => t.length + flagLines[i])) * TITLE_LINE + 6;
  const rowHeight = header + PLOT_HEIGHT + BOTTOM;
  const top = 8 + legendHeight(options.legend, WIDTH - 20);
  const height = top + rows * rowHeight + 8;
  const parts: string[] = [legend(options.legend, 10, 6, WIDTH - 20)];
  panels.forEach((p, i) => {
    const row = Math.floor(i / cols);
    const col = i % cols;
    const x0 = 10 + col * (panelWidth + GAP_X) + AXIS_ROOM;
    const plotTop = top + row * rowHeight + header;
    const values = p.points.flatMap((q) => [q.estimate, q.low, q.high]).filter((v): v is number => v !== null && Number.isFinite(v));
    const n = p.points.length;
    // A reference far from every score would squash the intervals into a line: drawn only when it is near.
    const showReference = p.reference !== undefined && nearReference(values, p.reference.value);
    const frame = plotFrame({
      width: WIDTH,
      height,
      margin: { top: plotTop, right: WIDTH - (x0 + plotWidth), bottom: height - (plotTop + PLOT_HEIGHT), left: x0 },
      x: { domain: [-0.6, n - 0.4] },
      y: { domain: extent([...values, ...(showReference ? [p.reference!.value] : [])], { pad: 0.12 }) },
    });
    const xs = p.points.map((_, k) => k);
    const describe = (q: ScorePoint) =>
      `${q.who}, ${p.name}: ${formatNumber(q.estimate)}${q.low !== null && q.high !== null ? ` [${formatNumber(q.low)}, ${formatNumber(q.high)}]` : ' (no interval)'}`;
    const titleLines = titles[i];
    const headerTop = plotTop - header + TITLE_LINE;
    parts.push(
      el(
        'g',
        { class: 'panel score-panel', 'data-measure': p.name },
        ...titleLines.map((line, k) => text(line, { x: x0, y: headerTop + k * TITLE_LINE, fill: '#1a1a1a', 'font-weight': 'bold' })),
        flagLines[i]
          ? el(
              'g',
              { class: 'few-events' },
              tooltip(`${p.name} rests on ${p.fewEvents} events of the rarer class: read its interval with care`),
              text(`few events (${p.fewEvents})`, { x: x0, y: headerTop + titleLines.length * TITLE_LINE, fill: FLAG }),
            )
          : '',
        leftAxis(frame, { label: '', grid: true, tickCount: 4 }),
        el('line', { x1: frame.left, x2: frame.right, y1: frame.bottom, y2: frame.bottom, stroke: '#4d4d4d' }),
        showReference ? rule(frame, 'y', p.reference!.value, { stroke: '#7a7a7a', dash: 'dotted', width: 1.2 }) : '',
        ...p.points.map((q, k) =>
          errorBars(frame, [xs[k]], [q.low], [q.high], { series: `${q.who} interval`, stroke: q.colour, width: 2, cap: 6, titles: [describe(q)] }),
        ),
        el(
          'g',
          {
            class: 'mark',
            'data-series': `${p.name} estimates`,
            'data-points': p.points.filter((q) => q.estimate !== null && Number.isFinite(q.estimate)).length,
          },
          ...p.points.map((q, k) =>
            q.estimate !== null && Number.isFinite(q.estimate)
              ? el(
                  'circle',
                  { cx: frame.x(xs[k]), cy: frame.y(q.estimate), r: 4.5, fill: q.colour, stroke: '#ffffff', 'stroke-width': 1 },
                  tooltip(describe(q)),
                )
              : '',
          ),
        ),
      ),
    );
  });
  return svgDocument(WIDTH, height, options.title, parts);
}
