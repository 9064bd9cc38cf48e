import type { ReducedModel } from '@occam/core';
import type { ReportPrediction } from '../data/reportPrediction.js';
import { filterHeatmapFigure, filterRange } from '../figures/filterHeatmap.js';
import { historyFigure, spatialFiltersFigure, temporalFiltersFigure } from '../figures/filterPlot.js';
import { nonlinearityFigure } from '../figures/nonlinearityPlot.js';
import { psthFigure } from '../figures/psthPlot.js';
import { rasterFigure } from '../figures/raster.js';
import { rocFigure } from '../figures/rocPlot.js';
import { trialTracesFigure } from '../figures/trialTraces.js';
import type { ReportInput, ReportOptions } from '../input/reportInput.js';
import { formatNumber, formatSignificant } from '../svg/format.js';
import { groupColours, groupRole } from '../style/palette.js';
import { attributeAxisLabel, unitName } from '../style/units.js';
import { figureGrid, type Figure } from './figureCard.js';
import { escapeHtml, type PageIds } from './html.js';
import { metricsTables } from './metricsTable.js';

function specSummary(model: ReducedModel): string {
  const s = model.spec;
  const unit = unitName(model.filters.binUnit);
  const w = model.filters.binWidth;
  const parts = [
    `${s.structure} filters`,
    `${model.layout.groups.length} group(s): ${model.layout.groups.join('; ')}`,
    model.layout.spatialAttribute ? `spatial over ${model.layout.spatialAttribute} (${model.layout.K} functions)` : 'no spatial dimension',
    `lags ${s.temporal.minLag * w}–${s.temporal.maxLag * w} ${unit} (${model.layout.J} functions)`,
    s.history ? `history over ${s.history.maxLag * w} ${unit} (${model.layout.H} functions)` : 'no history',
    `${s.family} family, ${model.nonlinearity.lookup ? 'lookup nonlinearity' : `${model.nonlinearity.link} link`}`,
    `ridge ${s.regularization.ridge}, smoothness ${s.regularization.smoothness}`,
  ];
  return parts.join(' · ');
}

function provenance(model: ReducedModel): string {
  const d = model.provenance.dataset;
  const bits = [
    d.path ? `dataset <code>${escapeHtml(d.path)}</code>` : 'dataset (path not recorded)',
    `${d.nTrials} trials × ${d.nBins} bins of ${d.binWidth} ${escapeHtml(unitName(d.binUnit))}, ${d.atoms} atoms`,
    d.condition ? `condition: ${escapeHtml(d.condition)}` : null,
    d.source ? `source: ${escapeHtml(d.source)}` : null,
    `fit: ${escapeHtml(model.fit.solver)}, ${model.fit.iterations} iterations${model.fit.alternations !== null ? `, ${model.fit.alternations} alternations` : ''}, ${model.fit.converged ? 'converged' : '<strong class="warn">not converged</strong>'}, ${model.fit.parameters} parameters on ${model.fit.rows} bins`,
    `occam ${escapeHtml(model.occamVersion)}`,
  ];
  return bits.filter(Boolean).join(' · ');
}

function scaleNote(model: ReducedModel): string {
  return model.spec.structure === 'separable'
    ? 'Scale convention: the first group’s spatial filter is 1 at its first value, every other group’s peaks at +1, so a group’s sign and size live in its temporal filter; spatial × temporal is the weight per input event.'
    : 'Full (non-separable) filters: the curves are each filter’s rank-1 part, scaled so the first group’s spatial curve is 1 at its first value and others peak at +1; the heatmaps show the whole filter.';
}

function filterFigures(model: ReducedModel, ids: PageIds, sectionId: string, options: ReportOptions, colours: string[], targetName: string): Figure[] {
  const units = options.attributeUnits ?? {};
  const roles = model.filters.groups.map((g, i) => `<span class="swatch" style="background:${colours[i]}"></span>${escapeHtml(g.label)} (${options.groupRoles?.[g.label] ?? groupRole(g.label)})`);
  const legendLine = `Colours: ${roles.join(', ')} — excitatory/positive groups red/orange, inhibitory/negative blue.`;
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
  figures.push({
    id: ids.take(sectionId, 'temporal-filters'),
    title: 'Temporal filters',
    svg: temporalFiltersFigure(model, colours),
    caption: `What one input event adds to the linear predictor, by how long before the predicted bin it arrived (lag × ${model.filters.binWidth} ${escapeHtml(unitName(model.filters.binUnit))}). Above 0 drives the ${escapeHtml(targetName)}, below 0 suppresses it.${hasSpatial ? ' Scaled as described under the spatial filters; spatial × temporal is the weight per input event.' : ''} ${legendLine}`,
  });
  if (hasSpatial) {
    const vmax = filterRange(model);
    for (const g of model.filters.groups) {
      figures.push({
        id: ids.take(sectionId, 'full-filter', g.label),
        title: `Full spatiotemporal filter: ${g.label}`,
        svg: filterHeatmapFigure(model, g, vmax, units),
        caption: `Weight per input event of group ${escapeHtml(g.label)} (${g.atoms} atoms) at each ${escapeHtml(model.layout.spatialAttribute!)} value and lag: red raises, blue lowers the ${escapeHtml(targetName)} probability, white is 0. One colour scale (±${formatSignificant(vmax)}) for every group of this model. Separability (share of the filter’s energy in its rank-1 part): ${formatNumber(g.separability)}. Hover a cell for its value.`,
      });
    }
  }
  const history = historyFigure(model, targetName);
  if (history) {
    figures.push({
      id: ids.take(sectionId, 'history-filter'),
      title: 'History filter',
      svg: history,
      caption: `What the system’s own earlier ${escapeHtml(targetName)} adds to the linear predictor, by time since it happened. Strongly negative just after an event is a refractory or post-spike penalty.`,
    });
  }
  figures.push({
    id: ids.take(sectionId, 'nonlinearity'),
    title: 'Nonlinearity',
    svg: nonlinearityFigure(model, targetName),
    caption: model.nonlinearity.lookup
      ? `From weighted net input (the linear predictor: intercept ${formatSignificant(model.coefficients.intercept)} + filtered inputs + history) to the predicted ${escapeHtml(targetName)}: the GLM link, and the empirical lookup table P(${escapeHtml(targetName)} | WNI) read off training bins (equal-count bins, made monotone).`
      : `From weighted net input (the linear predictor: intercept ${formatSignificant(model.coefficients.intercept)} + filtered inputs + history) to the predicted ${escapeHtml(targetName)} through the GLM link.`,
  });
  return figures;
}

function predictionFigures(model: ReducedModel, prediction: ReportPrediction, ids: PageIds, sectionId: string): Figure[] {
  const target = prediction.targetName;
  const which = prediction.trials === 'held-out' ? 'held-out' : 'all';
  const note = prediction.note ? ` Note: ${escapeHtml(prediction.note)}.` : '';
  const figures: Figure[] = [];
  if (prediction.roc) {
    const r = prediction.roc;
    figures.push({
      id: ids.take(sectionId, 'roc'),
      title: 'ROC curve',
      svg: rocFigure(r, target),
      caption: `Scored bins of ${r.trials} ${which} trials (${r.bins} bins, ${r.events} with ${escapeHtml(target)}). The model’s AUROC ${formatNumber(r.model.auroc)} stands beside the time-only baseline’s ${formatNumber(r.psth.auroc)} (the training trials’ PSTH: what knowing only the time since the trial start gives for free) and the constant-rate null (the diagonal, 0.5). The trial-to-trial AUROC in the table is the figure the PSTH cannot game.${note}`,
    });
  }
  if (prediction.examples.length) {
    figures.push({
      id: ids.take(sectionId, 'example-trials'),
      title: `Predicted against recorded ${target}, ${prediction.examples.length} ${which} trials`,
      svg: trialTracesFigure(prediction, model.spec.family),
      caption: `The model’s predicted ${escapeHtml(target)} at every bin (purple, conditioned on the recorded history), the time-only baseline (grey dashed) and the recorded ${escapeHtml(target)} (black ticks). Shaded: the scored window; gold lines: the dataset’s markers.${note}`,
      wide: true,
    });
  }
  if (prediction.raster.trials.length) {
    figures.push({
      id: ids.take(sectionId, 'raster'),
      title: `Raster: recorded and simulated ${target}`,
      svg: rasterFigure(prediction),
      caption: `Recorded ${escapeHtml(target)} of ${prediction.raster.trials.length} ${which} trials (black), and the model run forward on the same trials’ inputs with its own output fed back through the history filter (purple) — the test a reduced neuron must pass to stand in for the real one.${note}`,
      wide: true,
    });
  }
  figures.push({
    id: ids.take(sectionId, 'psth'),
    title: 'PSTH',
    svg: psthFigure(prediction, model.spec.family),
    caption: `Mean ${escapeHtml(target)} per bin over ${prediction.psth.trials} ${which} trials: recorded (black), the model’s prediction (purple), the time-only baseline (grey dashed)${prediction.psth.simulated ? ` and the model’s simulated output over ${prediction.psth.simulatedTrials} trials (purple dotted)` : ''}. Model and baseline are drawn on the scored bins.${note}`,
    wide: true,
  });
  return figures;
}

/** Everything about one reduced model: what it is, its scores beside the baselines, its filters and its predictions. */
export function modelSection(input: ReportInput, sectionId: string, label: string, ids: PageIds, options: ReportOptions): string {
  const { model } = input;
  const colours = groupColours(
    model.filters.groups.map((g) => g.label),
    options.groupRoles,
  );
  const targetName = input.prediction?.targetName ?? 'output';
  const warnings = model.fit.warnings.length
    ? `<div class="warnings">${model.fit.warnings.map((w) => `<p>Warning: ${escapeHtml(w)}</p>`).join('')}</div>`
    : '';
  const figures = [...filterFigures(model, ids, sectionId, options, colours, targetName)];
  let missing = '';
  if (input.prediction) figures.push(...predictionFigures(model, input.prediction, ids, sectionId));
  else
    missing =
      '<p class="note">No dataset was given, so the ROC curve, example trials, raster and PSTH are left out; the scores above come from the model file. (<code>occam report MODEL --data DATASET_DIR</code> adds them.)</p>';
  return (
    `<section class="model" id="${escapeHtml(sectionId)}">` +
    `<h2>${escapeHtml(label)}</h2>` +
    `<p class="provenance">${provenance(model)}</p>` +
    `<p class="spec">${escapeHtml(specSummary(model))}</p>` +
    warnings +
    `<h3>Scores</h3>${metricsTables(model)}` +
    `<h3>Figures</h3>${missing}${figureGrid(figures)}` +
    '</section>'
  );
}
