import type { BandWording } from '../data/filterBand.js';
import type { GroupCurve } from '../data/groupCurves.js';
import { filterPanelsFigure } from '../figures/filterPanels.js';
import { overlaidCurvesFigure } from '../figures/filterPlot.js';
import { curveRange, groupCurveHeatmap, type HeatmapRow } from '../figures/groupCurveHeatmap.js';
import { formatSignificant } from '../svg/format.js';
import type { Figure } from './figureCard.js';
import { escapeHtml, type PageIds } from './html.js';
import { singleValueTable } from './singleValueTable.js';

/** Up to this many groups share one plot with a legend; more get one small panel each (and a heatmap). */
export const OVERLAID_GROUPS = 4;
/** Beyond this many groups the small panels would fill pages: the group × axis heatmap alone shows them. */
export const PANELLED_GROUPS = 24;

/** One group to draw: its curve, display name, colour and the control's curve of the same group. */
export interface DrawnCurve {
  curve: GroupCurve;
  name: string;
  colour: string;
  /** Colour role in words ("positive contribution"), for the caption's colour list. */
  role: string;
  /** null: the control has no such group; undefined: there is no control. */
  control?: GroupCurve | null;
}

export interface CurveFigureOptions {
  /** Id stem: "temporal", "offset", "spatial". */
  stem: string;
  /** "Token-offset filters". */
  title: string;
  xLabel: string;
  yLabel: string;
  /** The axis in a sentence and in tooltips: "token offset", "lag", "distance". */
  xName: string;
  curves: DrawnCurve[];
  controlLabel: string | null;
  /** What x and y mean (caption start, HTML). */
  meaning: string;
  /** The rule the colours follow (HTML). */
  colourRule: string;
  /** How the model's bands were made, for the legend and caption. */
  bands: BandWording;
  /** Why the file's filter bands are not drawn for these curves (a sentence), when it has bands but they do not apply. */
  bandsOmitted?: string;
  /** Groups with a single value go to a table of weights; how to write that value. Absent: drawn like the rest. */
  singleValue?: { header: string; format: (x: number) => string; note: string };
}

const atomsNote = (c: GroupCurve) => `${c.atoms} atom${c.atoms === 1 ? '' : 's'}`;

/**
 * The figures for one kind of group filter, readable for any number of groups: up to 4 overlaid in one plot,
 * 5–24 as small multiples on shared axes plus a group × axis heatmap, more as the heatmap alone; a control's
 * filters dashed beside each group and in its own heatmap on the same colour scale; groups with a single
 * value as a table of weights.
 */
export function groupCurveFigures(options: CurveFigureOptions, ids: PageIds, sectionId: string): Figure[] {
  const { title, controlLabel, stem } = options;
  const singles = options.singleValue ? options.curves.filter((d) => d.curve.x.length === 1) : [];
  const drawn = options.singleValue ? options.curves.filter((d) => d.curve.x.length !== 1) : options.curves;
  const hasControl = controlLabel !== null;
  const controlNote = hasControl
    ? ` Dashed: the ${escapeHtml(controlLabel)}’s filter of the same group${drawn.some((d) => !d.control) ? ' (where the control has that group)' : ''}.`
    : '';
  const tableNote = singles.length
    ? ` ${singles.length} group${singles.length === 1 ? ' is' : 's are'} read at a single ${escapeHtml(options.xName)}: their weights are in the table below.`
    : '';
  const banded = drawn.some((d) => d.curve.band);
  const bandNote = banded
    ? ` Shaded: each filter’s ${escapeHtml(options.bands.clause)}${drawn.every((d) => d.curve.band) ? '' : ' (groups without one have none in the file)'}.`
    : options.bandsOmitted
      ? ` ${escapeHtml(options.bandsOmitted)}`
      : '';
  const colours =
    drawn.length <= OVERLAID_GROUPS
      ? `Colours: ${drawn.map((d) => `<span class="swatch" style="background:${d.colour}"></span><span title="${escapeHtml(d.curve.label)}">${escapeHtml(d.name)}</span> (${escapeHtml(d.role)})`).join(', ')} — ${options.colourRule}`
      : `Colours: ${options.colourRule}`;
  const figures: Figure[] = [];
  if (drawn.length > 0 && drawn.length <= OVERLAID_GROUPS) {
    figures.push({
      id: ids.take(sectionId, `${stem}-filters`),
      title,
      svg: overlaidCurvesFigure({
        title,
        xLabel: options.xLabel,
        yLabel: options.yLabel,
        controlLabel: controlLabel ?? 'control',
        bandLabel: options.bands.legend,
        curves: drawn.map((d) => ({
          name: `${d.name} (${atomsNote(d.curve)})`,
          colour: d.colour,
          x: d.curve.x,
          y: d.curve.y,
          band: d.curve.band,
          control: d.control ?? null,
        })),
      }),
      caption: `${options.meaning}${bandNote}${controlNote}${tableNote} ${colours}`,
    });
  }
  if (drawn.length > OVERLAID_GROUPS && drawn.length <= PANELLED_GROUPS) {
    figures.push({
      id: ids.take(sectionId, `${stem}-filters`),
      title: `${title}, one panel per group`,
      svg: filterPanelsFigure({
        title,
        xLabel: options.xLabel,
        yLabel: options.yLabel,
        controlLabel: controlLabel ?? 'control',
        bandLabel: options.bands.legend,
        panels: drawn.map((d) => ({
          label: `${d.name} (${atomsNote(d.curve)})`,
          tooltip: d.curve.label,
          colour: d.colour,
          x: d.curve.x,
          y: d.curve.y,
          band: d.curve.band,
          control: d.control ? { x: d.control.x, y: d.control.y } : null,
        })),
      }),
      caption: `${options.meaning} One panel per group (${drawn.length} groups), all on the same axes so their sizes compare; hover a group’s name for its full label.${bandNote}${controlNote}${tableNote} ${colours}`,
      wide: true,
    });
  }
  if (drawn.length > OVERLAID_GROUPS) {
    const rows: HeatmapRow[] = drawn.map((d) => ({ name: d.name, label: d.curve.label, curve: d.curve }));
    const controlRows: HeatmapRow[] | null = hasControl ? drawn.map((d) => ({ name: d.name, label: d.curve.label, curve: d.control ?? null })) : null;
    const vmax = curveRange(rows, ...(controlRows ? [controlRows] : []));
    figures.push({
      id: ids.take(sectionId, `${stem}-heatmap`),
      title: `${title}: every group at a glance`,
      svg: groupCurveHeatmap({
        title: `${title}: group × ${options.xName}`,
        rows,
        xLabel: options.xLabel,
        xName: options.xName,
        colourLabel: options.yLabel,
        vmax,
      }),
      caption: `${options.meaning} One row per group, one column per ${escapeHtml(options.xName)}: red above 0, blue below, white 0, grey where the group has no atoms, on one colour scale (±${formatSignificant(vmax)})${hasControl ? ` shared with the ${escapeHtml(controlLabel)}’s heatmap` : ''}. Hover a cell for the group’s full label and value${banded ? ` with its ${escapeHtml(options.bands.legend)}` : ''}.${drawn.length > PANELLED_GROUPS ? ` (${drawn.length} groups: too many for one panel each.)` : ''}${tableNote}`,
      wide: true,
    });
    if (controlRows) {
      figures.push({
        id: ids.take(sectionId, `control-${stem}-heatmap`),
        title: `${title} of the ${controlLabel}`,
        svg: groupCurveHeatmap({
          title: `${title} of the ${controlLabel}: group × ${options.xName}`,
          rows: controlRows,
          xLabel: options.xLabel,
          xName: options.xName,
          colourLabel: options.yLabel,
          vmax,
        }),
        caption: `The same heatmap for the ${escapeHtml(controlLabel ?? 'control')}, on the trained model’s colour scale (±${formatSignificant(vmax)}): a pattern that appears here too is no product of training.`,
        wide: true,
      });
    }
  }
  if (singles.length && options.singleValue) {
    const sv = options.singleValue;
    figures.push({
      id: ids.take(sectionId, `${stem}-single-weights`),
      title: `Groups read at a single ${options.xName}`,
      html: singleValueTable(
        singles.map((d) => ({
          name: d.name,
          label: d.curve.label,
          colour: d.colour,
          atoms: d.curve.atoms,
          at: sv.format(d.curve.x[0]),
          weight: d.curve.y[0],
          interval: d.curve.band ? [d.curve.band.low[0], d.curve.band.high[0]] : null,
          control: d.control === undefined ? undefined : d.control === null ? null : valueAt(d.control, d.curve.x[0]),
        })),
        { atHeader: sv.header, weightHeader: 'weight', controlLabel },
      ),
      caption: `These groups have atoms at one ${escapeHtml(options.xName)} only, so each is one weight (${escapeHtml(/\(([^()]*)\)\s*$/.exec(options.yLabel)?.[1] ?? options.yLabel)})${hasControl ? `, beside the ${escapeHtml(controlLabel)}’s weight of the same group` : ''}; ${escapeHtml(options.singleValue.note)} Hover a group for its full label.`,
    });
  }
  return figures;
}

/** A curve's value at x; 0 where the curve has no point there (a raw-basis filter is exactly 0 off its atoms). */
function valueAt(curve: GroupCurve, x: number): number {
  const k = curve.x.indexOf(x);
  return k >= 0 ? curve.y[k] : 0;
}
