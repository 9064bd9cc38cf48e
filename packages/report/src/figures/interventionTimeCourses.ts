import type { InterventionTimeCourse } from '../input/interventionResult.js';
import { bottomAxis, leftAxis } from '../svg/axis.js';
import { legend, legendHeight, type LegendItem } from '../svg/legend.js';
import { el, text } from '../svg/markup.js';
import { linePath } from '../svg/marks.js';
import { plotFrame } from '../svg/plotFrame.js';
import { extent } from '../svg/scale.js';
import { svgDocument } from '../svg/svgDocument.js';
import { SERIES } from '../style/palette.js';
import { thinLine } from './thinForFigure.js';

const WIDTH = 960;
const COLS = 3;
const GAP_X = 24;
const AXIS_ROOM = 58;
const PLOT_HEIGHT = 130;
const HEADER = 22;
const BOTTOM = 44;
/** Points per drawn line (a panel is ~250 px wide): a long time course is thinned, keeping each bucket's extremes. */
const MAX_POINTS = 200;
/** Panels drawn at most; the rest are left out and the caption says how many. */
export const MAX_TIME_COURSE_PANELS = 18;

const ARMS = [
  { key: 'predictedOriginal', label: 'predicted, original', colour: SERIES.model, dash: 'dashed' },
  { key: 'predictedIntervened', label: 'predicted, intervened', colour: SERIES.model, dash: undefined },
  { key: 'simulatedOriginal', label: 'simulated, original', colour: SERIES.recorded, dash: 'dashed' },
  { key: 'simulatedIntervened', label: 'simulated, intervened', colour: SERIES.recorded, dash: undefined },
] as const;

/**
 * Small multiples, one panel per intervention: the mean response per bin as the reduced model predicts it and
 * as the detailed system's rerun gives it, each before (dashed) and after (solid) the intervention, on one
 * shared y scale so panels compare. A missed intervention's name is in red.
 */
export function interventionTimeCoursesFigure(courses: readonly InterventionTimeCourse[], options: { title: string; yLabel: string }): string {
  const shown = courses.slice(0, MAX_TIME_COURSE_PANELS);
  const cols = Math.min(COLS, shown.length);
  const rows = Math.ceil(shown.length / cols);
  const panelWidth = (WIDTH - 10 - (cols - 1) * GAP_X) / cols;
  const plotWidth = panelWidth - AXIS_ROOM;
  const hasSimulated = shown.some((c) => c.simulatedIntervened !== null);
  const items: LegendItem[] = ARMS.filter((a) => hasSimulated || a.key.startsWith('predicted')).map((a) => ({
    label: a.label,
    colour: a.colour,
    symbol: a.dash ? ('dashed' as const) : ('line' as const),
  }));
  const top = 8 + legendHeight(items, WIDTH - 20);
  const rowHeight = HEADER + PLOT_HEIGHT + BOTTOM;
  const height = top + rows * rowHeight + 6;
  const values = shown.flatMap((c) => ARMS.flatMap((a) => c[a.key] ?? []));
  const times = shown.flatMap((c) => [c.time[0], c.time[c.time.length - 1]]);
  const yDomain = extent(values, { includeZero: true, pad: 0.05 });
  const xDomain = extent(times, { pad: 0 });
  const parts: string[] = [legend(items, 10, 6, WIDTH - 20)];
  shown.forEach((c, i) => {
    const x0 = 10 + (i % cols) * (panelWidth + GAP_X) + AXIS_ROOM;
    const plotTop = top + Math.floor(i / cols) * rowHeight + HEADER;
    const frame = plotFrame({
      width: WIDTH,
      height,
      margin: { top: plotTop, right: WIDTH - (x0 + plotWidth), bottom: height - (plotTop + PLOT_HEIGHT), left: x0 },
      x: { domain: xDomain },
      y: { domain: yDomain },
    });
    const lines = ARMS.map((a) => {
      const ys = c[a.key];
      if (!ys) return '';
      const t = thinLine(c.time, ys, MAX_POINTS);
      return linePath(frame, t.x, t.y, { series: `${c.name}: ${a.label}`, stroke: a.colour, width: a.dash ? 1.3 : 1.8, dash: a.dash });
    });
    parts.push(
      el(
        'g',
        { class: 'panel time-course-panel', 'data-name': c.name, 'data-miss': c.miss ? 'true' : 'false' },
        text(c.miss ? `${c.name} (miss)` : c.name, { x: x0, y: plotTop - 8, fill: c.miss ? SERIES.miss : '#1a1a1a', 'font-weight': 'bold' }),
        leftAxis(frame, { label: i % cols === 0 ? options.yLabel : '', grid: true, tickCount: 4 }),
        bottomAxis(frame, { label: 'time', tickCount: 5 }),
        ...lines,
      ),
    );
  });
  return svgDocument(WIDTH, height, options.title, parts);
}
