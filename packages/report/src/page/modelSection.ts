import type { ReducedModel } from '@occam/core';
import type { ReportPrediction } from '../data/reportPrediction.js';
import { filterHeatmapFigure, filterRange } from '../figures/filterHeatmap.js';
import { filterPanelsFigure } from '../figures/filterPanels.js';
import { controlGroup, groupName, historyFigure, spatialFiltersFigure, temporalFiltersFigure } from '../figures/filterPlot.js';
import { nonlinearityFigure } from '../figures/nonlinearityPlot.js';
import { offsetHeatmapFigure, temporalRange } from '../figures/offsetHeatmap.js';
import { psthFigure } from '../figures/psthPlot.js';
import { rasterFigure } from '../figures/raster.js';
import { rocFigure } from '../figures/rocPlot.js';
import { trialTracesFigure } from '../figures/trialTraces.js';
import type { ReportInput, ReportOptions } from '../input/reportInput.js';
import { formatNumber, formatSignificant } from '../svg/format.js';
import { groupColours, groupRole } from '../style/palette.js';
import { attributeAxisLabel, lagAxisLabel, unitName, weightAxisLabel } from '../style/units.js';
import { vocabularyFor, type Vocabulary } from '../style/vocabulary.js';
import { controlTable, selectivityLine } from './controlTable.js';
import { figureGrid, type Figure } from './figureCard.js';
import { escapeHtml, type PageIds } from './html.js';
import { metricsTables } from './metricsTable.js';

/** Up to this many groups share one plot with a legend; more get one small panel each (and a heatmap). */
const OVERLAID_GROUPS = 4;
/** Beyond this many groups the small panels would fill pages: the group × lag heatmap alone shows them. */
const PANELLED_GROUPS = 24;

function specSummary(model: ReducedModel, words: Vocabulary): string {
  const s = model.spec;
  const unit = unitName(model.filters.binUnit);
  const w = model.filters.binWidth;
  const parts = [
    `${s.structure} filters`,
    `${model.layout.groups.length} group(s): ${model.layout.groups.join('; ')}`,
    model.layout.spatialAttribute ? `spatial over ${model.layout.spatialAttribute} (${model.layout.K} functions)` : 'no spatial dimension',
    `${words.kind === 'language-model' ? 'token offsets' : 'lags'} ${s.temporal.minLag * w}–${s.temporal.maxLag * w} ${unit} (${model.layout.J} functions)`,
    s.history ? `history over ${s.history.maxLag * w} ${unit} (${model.layout.H} functions)` : 'no history',
    `${s.family} family, ${model.nonlinearity.lookup ? 'lookup nonlinearity' : `${model.nonlinearity.link} link`}`,
    `ridge ${s.regularization.ridge}, smoothness ${s.regularization.smoothness}`,
  ];
  return parts.join(' · ');
}

function provenance(model: ReducedModel, words: Vocabulary): string {
  const d = model.provenance.dataset;
  const shape =
    words.kind === 'language-model' && d.binUnit === 'token' && d.binWidth === 1
      ? `${d.nTrials} ${words.trials} × ${d.nBins} token positions`
      : `${d.nTrials} ${words.trials} × ${d.nBins} ${words.bins} of ${d.binWidth} ${escapeHtml(unitName(d.binUnit))}`;
  const bits = [
    d.path ? `dataset <code>${escapeHtml(d.path)}</code>` : 'dataset (path not recorded)',
    `${shape}, ${d.atoms} atoms`,
    d.condition ? `condition: ${escapeHtml(d.condition)}` : null,
    d.source ? `source: ${escapeHtml(d.source)}` : null,
    `fit: ${escapeHtml(model.fit.solver)}, ${model.fit.iterations} iterations${model.fit.alternations !== null ? `, ${model.fit.alternations} alternations` : ''}, ${model.fit.converged ? 'converged' : '<strong class="warn">not converged</strong>'}, ${model.fit.parameters} parameters on ${model.fit.rows} ${words.bins}`,
    `occam ${escapeHtml(model.occamVersion)}`,
  ];
  return bits.filter(Boolean).join(' · ');
}

function scaleNote(model: ReducedModel): string {
  return model.spec.structure === 'separable'
    ? 'Scale convention: the first group’s spatial filter is 1 at its first value, every other group’s peaks at +1, so a group’s sign and size live in its temporal filter; spatial × temporal is the weight per input event.'
    : 'Full (non-separable) filters: the curves are each filter’s rank-1 part, scaled so the first group’s spatial curve is 1 at its first value and others peak at +1; the heatmaps show the whole filter.';
}

/** What the temporal filter's x and y mean, in the system's own words. */
function temporalMeaning(model: ReducedModel, words: Vocabulary, targetName: string): string {
  if (words.kind === 'language-model') {
    const offsets = model.filters.binUnit === 'token' ? 'token offset k before the predicted position (k = 0: the predicted position itself)' : `offset before the predicted position (× ${model.filters.binWidth} ${escapeHtml(unitName(model.filters.binUnit))})`;
    return `What one unit of an atom’s value adds to the log-odds of ${escapeHtml(targetName)}, by its ${offsets}. Above 0 is a positive contribution, below 0 a negative one.`;
  }
  return `What one input event adds to the linear predictor, by how long before the predicted bin it arrived (lag × ${model.filters.binWidth} ${escapeHtml(unitName(model.filters.binUnit))}). Above 0 drives the ${escapeHtml(targetName)}, below 0 suppresses it.`;
}

function temporalFigures(model: ReducedModel, input: ReportInput, ids: PageIds, sectionId: string, colours: string[], legendLine: string, words: Vocabulary, targetName: string, hasSpatial: boolean): Figure[] {
  const control = input.control?.model ?? null;
  const controlLabel = input.control?.label ?? 'control';
  const groups = model.filters.groups;
  const meaning = temporalMeaning(model, words, targetName) + (hasSpatial ? ' Scaled as described under the spatial filters; spatial × temporal is the weight per input event.' : '');
  const controlNote = control
    ? ` Dashed: the ${escapeHtml(controlLabel)}’s filter of the same group${groups.some((g) => !controlGroup(control, g.label)) ? ' (where the control has that group)' : ''}.`
    : '';
  const title = words.kind === 'language-model' ? 'Token-offset filters' : 'Temporal filters';
  if (groups.length <= OVERLAID_GROUPS) {
    return [
      {
        id: ids.take(sectionId, 'temporal-filters'),
        title,
        svg: temporalFiltersFigure(model, colours, control, controlLabel),
        caption: `${meaning}${controlNote} ${legendLine}`,
      },
    ];
  }
  const figures: Figure[] = [];
  const xLabel = lagAxisLabel(model.filters.binUnit);
  const yLabel = weightAxisLabel(model.nonlinearity.link, model.filters.binUnit);
  if (groups.length <= PANELLED_GROUPS) {
    figures.push({
      id: ids.take(sectionId, 'temporal-filters'),
      title: `${title}, one panel per group`,
      svg: filterPanelsFigure({
        title,
        xLabel,
        yLabel,
        controlLabel,
        panels: groups.map((g, i) => {
          const c = controlGroup(control, g.label);
          return { label: groupName(g), colour: colours[i], x: g.temporal.x, y: g.temporal.y, control: c ? { x: c.temporal.x, y: c.temporal.y } : null };
        }),
      }),
      caption: `${meaning} One panel per group (${groups.length} groups), all on the same axes so their sizes compare.${controlNote} ${legendLine}`,
      wide: true,
    });
  }
  const vmax = temporalRange(model, control);
  figures.push({
    id: ids.take(sectionId, 'temporal-heatmap'),
    title: `${title}: every group at a glance`,
    svg: offsetHeatmapFigure(model, { title: `${title}: group × ${words.lag}`, vmax }),
    caption: `${meaning} One row per group, one column per ${escapeHtml(words.lag)}: red above 0, blue below, white 0, on one colour scale (±${formatSignificant(vmax)})${control ? ` shared with the ${escapeHtml(controlLabel)}’s heatmap` : ''}. Hover a cell for its value.${groups.length > PANELLED_GROUPS ? ` (${groups.length} groups: too many for one panel each.)` : ''}`,
    wide: true,
  });
  if (control) {
    figures.push({
      id: ids.take(sectionId, 'control-temporal-heatmap'),
      title: `${title} of the ${controlLabel}`,
      svg: offsetHeatmapFigure(control, { title: `${title} of the ${controlLabel}: group × ${words.lag}`, vmax }),
      caption: `The same heatmap for the ${escapeHtml(controlLabel)}, on the trained model’s colour scale (±${formatSignificant(vmax)}): a pattern that appears here too is no product of training.`,
      wide: true,
    });
  }
  return figures;
}

function filterFigures(model: ReducedModel, input: ReportInput, ids: PageIds, sectionId: string, options: ReportOptions, colours: string[], targetName: string, words: Vocabulary): Figure[] {
  const units = options.attributeUnits ?? {};
  const roleOf = (label: string) => words.roles[options.groupRoles?.[label] ?? groupRole(label)];
  const legendLine =
    model.filters.groups.length <= OVERLAID_GROUPS
      ? `Colours: ${model.filters.groups.map((g, i) => `<span class="swatch" style="background:${colours[i]}"></span>${escapeHtml(g.label)} (${escapeHtml(roleOf(g.label))})`).join(', ')} — ${words.colourRule}`
      : `Colours: ${words.colourRule}`;
  const figures: Figure[] = [];
  const hasSpatial = model.layout.spatialAttribute !== null && model.filters.groups.some((g) => g.spatial.x.length > 1);
  if (hasSpatial) {
    figures.push({
      id: ids.take(sectionId, 'spatial-filters'),
      title: 'Spatial filters',
      svg: spatialFiltersFigure(model, colours, units),
      caption: `Weight of each group’s inputs over ${escapeHtml(attributeAxisLabel(model.layout.spatialAttribute!, units))}, sampled at the atoms’ values. ${scaleNote(model)} ${legendLine}`,
    });
  }
  figures.push(...temporalFigures(model, input, ids, sectionId, colours, legendLine, words, targetName, hasSpatial));
  if (hasSpatial) {
    const vmax = filterRange(model);
    for (const g of model.filters.groups) {
      figures.push({
        id: ids.take(sectionId, 'full-filter', g.label),
        title: `Full ${words.kind === 'language-model' ? 'filter over attribute and token offset' : 'spatiotemporal filter'}: ${g.label}`,
        svg: filterHeatmapFigure(model, g, vmax, units),
        caption: `Weight per ${escapeHtml(words.inputUnit)} of group ${escapeHtml(g.label)} (${g.atoms} atoms) at each ${escapeHtml(model.layout.spatialAttribute!)} value and ${escapeHtml(words.lag)}: red raises, blue lowers the ${escapeHtml(targetName)} probability, white is 0. One colour scale (±${formatSignificant(vmax)}) for every group of this model. Separability (share of the filter’s energy in its rank-1 part): ${formatNumber(g.separability)}. Hover a cell for its value.`,
      });
    }
  }
  const history = historyFigure(model, targetName);
  if (history) {
    figures.push({
      id: ids.take(sectionId, 'history-filter'),
      title: 'History filter',
      svg: history,
      caption:
        words.kind === 'language-model'
          ? `What the behaviour’s own earlier occurrences (${escapeHtml(targetName)} at earlier positions of the prompt) add to the log-odds, by how many tokens ago they happened.`
          : `What the system’s own earlier ${escapeHtml(targetName)} adds to the linear predictor, by time since it happened. Strongly negative just after an event is a refractory or post-spike penalty.`,
    });
  }
  const wni = `weighted net input (the linear predictor: intercept ${formatSignificant(model.coefficients.intercept)} + filtered ${words.kind === 'language-model' ? 'atoms' : 'inputs'} + history)`;
  figures.push({
    id: ids.take(sectionId, 'nonlinearity'),
    title: 'Nonlinearity',
    svg: nonlinearityFigure(model, targetName),
    caption: model.nonlinearity.lookup
      ? `From ${wni} to the predicted ${escapeHtml(targetName)}: the GLM link, and the empirical lookup table P(${escapeHtml(targetName)} | WNI) read off training ${words.bins} (equal-count bins, made monotone).`
      : `From ${wni} to the predicted ${escapeHtml(targetName)} through the GLM link.`,
  });
  return figures;
}

function predictionFigures(model: ReducedModel, prediction: ReportPrediction, ids: PageIds, sectionId: string, words: Vocabulary): Figure[] {
  const target = prediction.targetName;
  const which = prediction.trials === 'held-out' ? 'held-out' : 'all';
  const note = prediction.note ? ` Note: ${escapeHtml(prediction.note)}.` : '';
  const lm = words.kind === 'language-model';
  const figures: Figure[] = [];
  if (prediction.roc) {
    const r = prediction.roc;
    figures.push({
      id: ids.take(sectionId, 'roc'),
      title: 'ROC curve',
      svg: rocFigure(r, target, words),
      caption: `Scored ${words.bins} of ${r.trials} ${which} ${words.trials} (${r.bins} ${words.bins}, ${r.events} with ${escapeHtml(target)}). The model’s AUROC ${formatNumber(r.model.auroc)} stands beside ${formatNumber(r.psth.auroc)} for ${words.baselineLong} and 0.5 for the constant-rate null (the diagonal). The ${escapeHtml(words.acrossTrials)} in the table is the figure the baseline cannot game.${note}`,
    });
  }
  if (prediction.examples.length) {
    figures.push({
      id: ids.take(sectionId, 'example-trials'),
      title: `Predicted against recorded ${target}, ${prediction.examples.length} ${which} ${words.trials}`,
      svg: trialTracesFigure(prediction, model.spec.family, words),
      caption: lm
        ? `The reduced model’s predicted probability of ${escapeHtml(target)} at every token position of ${prediction.examples.length} prompts (purple), the position-only baseline (grey dashed) and the positions where ${escapeHtml(target)} actually held (black ticks). Shaded: the scored positions; gold lines: the condition’s markers.${note}`
        : `The model’s predicted ${escapeHtml(target)} at every bin (purple, conditioned on the recorded history), the time-only baseline (grey dashed) and the recorded ${escapeHtml(target)} (black ticks). Shaded: the scored window; gold lines: the dataset’s markers.${note}`,
      wide: true,
    });
  }
  if (prediction.raster.trials.length) {
    figures.push({
      id: ids.take(sectionId, 'raster'),
      title: lm ? `Positions with ${target}: recorded and sampled` : `Raster: recorded and simulated ${target}`,
      svg: rasterFigure(prediction, words),
      caption: lm
        ? `Positions where ${escapeHtml(target)} held in ${prediction.raster.trials.length} ${which} prompts (black), and outcomes drawn from the reduced model’s predicted probabilities on the same prompts’ atoms (purple)${model.filters.history ? ', its own earlier draws fed back through the history filter' : ''}: where the two patterns differ, the reduction misses part of the behaviour.${note}`
        : `Recorded ${escapeHtml(target)} of ${prediction.raster.trials.length} ${which} trials (black), and the model run forward on the same trials’ inputs with its own output fed back through the history filter (purple) — the test a reduced neuron must pass to stand in for the real one.${note}`,
      wide: true,
    });
  }
  figures.push({
    id: ids.take(sectionId, 'psth'),
    title: lm ? 'Mean per position' : 'PSTH',
    svg: psthFigure(prediction, model.spec.family, words),
    caption: lm
      ? `Mean ${escapeHtml(target)} at each token position over ${prediction.psth.trials} ${which} prompts: recorded (black), the reduced model’s prediction (purple), the position-only baseline (grey dashed)${prediction.psth.simulated ? ` and outcomes sampled from the model on ${prediction.psth.simulatedTrials} prompts (purple dotted)` : ''}. Model and baseline are drawn on the scored positions.${note}`
      : `Mean ${escapeHtml(target)} per bin over ${prediction.psth.trials} ${which} trials: recorded (black), the model’s prediction (purple), the time-only baseline (grey dashed)${prediction.psth.simulated ? ` and the model’s simulated output over ${prediction.psth.simulatedTrials} trials (purple dotted)` : ''}. Model and baseline are drawn on the scored bins.${note}`,
    wide: true,
  });
  return figures;
}

/** Everything about one reduced model: what it is, its scores beside the baselines (and its control), its filters and its predictions. */
export function modelSection(input: ReportInput, sectionId: string, label: string, ids: PageIds, options: ReportOptions): string {
  const { model } = input;
  const words = vocabularyFor(model);
  const colours = groupColours(
    model.filters.groups.map((g) => g.label),
    options.groupRoles,
  );
  const targetName = input.prediction?.targetName ?? (words.kind === 'language-model' ? 'the behaviour' : 'output');
  const warnings = model.fit.warnings.length
    ? `<div class="warnings">${model.fit.warnings.map((w) => `<p>Warning: ${escapeHtml(w)}</p>`).join('')}</div>`
    : '';
  const control = input.control
    ? `<h3>Beside its control</h3><p class="provenance">Control: ${escapeHtml(input.control.label ?? 'control')} · ${provenance(input.control.model, vocabularyFor(input.control.model))}</p>` +
      controlTable(model, input.control.model, input.control.label ?? 'control', input.selectivity ?? null, words)
    : input.selectivity
      ? `<h3>Selectivity</h3>${selectivityLine(input.selectivity, words)}`
      : '';
  const figures = [...filterFigures(model, input, ids, sectionId, options, colours, targetName, words)];
  let missing = '';
  if (input.prediction) figures.push(...predictionFigures(model, input.prediction, ids, sectionId, words));
  else
    missing = `<p class="note">No dataset was given, so the ROC curve, example ${words.trials}, ${words.kind === 'language-model' ? 'sampled positions and mean per position' : 'raster and PSTH'} are left out; the scores above come from the model file. (<code>occam report MODEL --data DATASET_DIR</code> adds them.)</p>`;
  return (
    `<section class="model" id="${escapeHtml(sectionId)}">` +
    `<h2>${escapeHtml(label)}</h2>` +
    `<p class="provenance">${provenance(model, words)}</p>` +
    `<p class="spec">${escapeHtml(specSummary(model, words))}</p>` +
    warnings +
    `<h3>Scores</h3>${metricsTables(model)}` +
    control +
    `<h3>Figures</h3>${missing}${figureGrid(figures)}` +
    '</section>'
  );
}
