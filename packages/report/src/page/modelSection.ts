import type { ReducedModel } from '@occam/core';
import type { ReportPrediction } from '../data/reportPrediction.js';
import { filterHeatmapFigure, filterRange } from '../figures/filterHeatmap.js';
import { controlGroupOf, hasSingleLag, isTokenOffsetAttribute, spatialCurve, temporalCurve, type GroupCurve } from '../data/groupCurves.js';
import { historyFigure } from '../figures/filterPlot.js';
import { bandOf, bandWording } from '../data/filterBand.js';
import { nonlinearityFigure } from '../figures/nonlinearityPlot.js';
import { psthFigure } from '../figures/psthPlot.js';
import { rasterFigure } from '../figures/raster.js';
import { rocFigure } from '../figures/rocPlot.js';
import { trialTracesFigure } from '../figures/trialTraces.js';
import type { ReportInput, ReportOptions } from '../input/reportInput.js';
import { formatNumber, formatSignificant } from '../svg/format.js';
import { groupColours, groupRole } from '../style/palette.js';
import { shortGroupLabels } from '../style/shortGroupLabels.js';
import { attributeAxisLabel, lagAxisLabel, unitName, weightAxisLabel } from '../style/units.js';
import { vocabularyFor, type Vocabulary } from '../style/vocabulary.js';
import { controlTable, selectivityLine } from './controlTable.js';
import { figureGrid, type Figure } from './figureCard.js';
import { groupCurveFigures, type DrawnCurve } from './groupCurveFigures.js';
import { escapeHtml, type PageIds } from './html.js';
import { metricsTables } from './metricsTable.js';
import { scoreIntervalsFigureFor } from './scoreIntervals.js';

function specSummary(model: ReducedModel, words: Vocabulary): string {
  const s = model.spec;
  const unit = unitName(model.filters.binUnit);
  const w = model.filters.binWidth;
  const offsetAxis = words.kind === 'language-model' && isTokenOffsetAttribute(model.layout.spatialAttribute);
  const parts = [
    `${s.structure} filters`,
    `${model.layout.groups.length} group(s): ${model.layout.groups.join('; ')}`,
    model.layout.spatialAttribute
      ? `spatial over ${model.layout.spatialAttribute}${offsetAxis ? ' (the token offset)' : ''} (${model.layout.K} functions)`
      : 'no spatial dimension',
    `${words.kind === 'language-model' && !offsetAxis ? 'token offsets' : 'lags'} ${s.temporal.minLag * w}${s.temporal.maxLag === s.temporal.minLag ? '' : `–${s.temporal.maxLag * w}`} ${unit} (${model.layout.J} function${model.layout.J === 1 ? '' : 's'})`,
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
    const offsets =
      model.filters.binUnit === 'token'
        ? 'token offset k before the predicted position (k = 0: the predicted position itself)'
        : `offset before the predicted position (× ${model.filters.binWidth} ${escapeHtml(unitName(model.filters.binUnit))})`;
    return `What one unit of an atom’s value adds to the log-odds of ${escapeHtml(targetName)}, by its ${offsets}. Above 0 is a positive contribution, below 0 a negative one.`;
  }
  return `What one input event adds to the linear predictor, by how long before the predicted bin it arrived (lag × ${model.filters.binWidth} ${escapeHtml(unitName(model.filters.binUnit))}). Above 0 drives the ${escapeHtml(targetName)}, below 0 suppresses it.`;
}

/** What the spatial (or token-offset) filter's x and y mean. */
function spatialMeaning(
  model: ReducedModel,
  words: Vocabulary,
  targetName: string,
  units: Record<string, string>,
  singleLag: boolean,
  tokenOffset: boolean,
): string {
  const attribute = model.layout.spatialAttribute!;
  if (words.kind === 'language-model' && singleLag) {
    const lag = model.filters.groups[0].temporal.x[0];
    const where = tokenOffset
      ? `an atom that looks k tokens back from the position (k = 0: the position itself)`
      : `an atom by its ${escapeHtml(attributeAxisLabel(attribute, units))}`;
    return (
      `What one unit of ${where} adds to the log-odds of ${escapeHtml(targetName)}: the group’s whole filter (spatial × its one-lag temporal filter). Above 0 is a positive contribution, below 0 a negative one; each group is drawn at the ${tokenOffset ? 'offsets' : 'values'} where its weight is not exactly 0 (where it has atoms that are ever non-zero).` +
      ` Every group’s temporal filter is the single lag ${formatNumber(lag, 0)}, so no temporal figure is drawn: lag ${formatNumber(lag, 0)} reads each position’s own atoms${tokenOffset ? ', and their offset attribute says how far back each one looks' : ''}.`
    );
  }
  return `Weight of each group’s inputs over ${escapeHtml(attributeAxisLabel(attribute, units))}, sampled at the atoms’ values. ${scaleNote(model)}`;
}

/** Each group's filter as drawn, with its control's filter of the same group (undefined: no control). */
function drawnCurves(
  model: ReducedModel,
  control: ReducedModel | null,
  curveOf: (g: ReducedModel['filters']['groups'][number]) => GroupCurve,
  names: string[],
  colours: string[],
  roleOf: (label: string) => string,
): DrawnCurve[] {
  return model.filters.groups.map((g, i) => {
    const c = control ? controlGroupOf(control, g.label) : undefined;
    return {
      curve: curveOf(g),
      name: names[i],
      colour: colours[i],
      role: roleOf(g.label),
      control: c === undefined ? undefined : c === null ? null : curveOf(c),
    };
  });
}

function filterFigures(
  model: ReducedModel,
  input: ReportInput,
  ids: PageIds,
  sectionId: string,
  options: ReportOptions,
  colours: string[],
  targetName: string,
  words: Vocabulary,
): Figure[] {
  const units = options.attributeUnits ?? {};
  const roleOf = (label: string) => words.roles[options.groupRoles?.[label] ?? groupRole(label)];
  const lm = words.kind === 'language-model';
  const labels = model.filters.groups.map((g) => g.label);
  const names = lm ? shortGroupLabels(labels) : labels;
  const control = input.control?.model ?? null;
  const controlLabel = control ? (input.control?.label ?? 'control') : null;
  const figures: Figure[] = [];
  const attribute = model.layout.spatialAttribute;
  const hasSpatial = attribute !== null && model.filters.groups.some((g) => g.spatial.x.length > 1);
  const singleLag = hasSingleLag(model);
  const tokenOffset = lm && isTokenOffsetAttribute(attribute);
  // A language model's spatial axis (token offset, or another ordered attribute) is its key figure, drawn at
  // each group's weight when the temporal filter is one lag; a neuron's keeps the published scale convention.
  const weighted = lm && singleLag;
  if (hasSpatial) {
    const curves = drawnCurves(model, control, (g) => spatialCurve(g, { singleLag: weighted, supportOnly: lm }), names, colours, roleOf);
    const noOffset = tokenOffset && curves.some((d) => d.curve.x.length === 1 && d.curve.x[0] < 0);
    figures.push(
      ...groupCurveFigures(
        {
          stem: tokenOffset ? 'offset' : 'spatial',
          title: tokenOffset ? 'Token-offset filters' : 'Spatial filters',
          xLabel: tokenOffset ? 'token offset (k tokens back)' : attributeAxisLabel(attribute!, units),
          yLabel: weighted ? weightAxisLabel(model.nonlinearity.link, 'token') : 'relative weight (a.u.)',
          xName: tokenOffset ? 'token offset' : attribute!,
          curves,
          controlLabel,
          meaning: spatialMeaning(model, words, targetName, units, singleLag, tokenOffset),
          colourRule: words.colourRule,
          bands: bandWording(model),
          bandsOmitted:
            weighted && model.filters.groups.some((g) => bandOf(g.spatial))
              ? 'The file’s bands are of the spatial filters’ shape, not of these weights (spatial × temporal), so none is drawn here.'
              : undefined,
          singleValue: lm
            ? {
                header: tokenOffset ? 'token offset' : attribute!,
                format: (x) => (tokenOffset && x < 0 ? `${formatNumber(x, 0)} (none)` : formatSignificant(x)),
                note: noOffset
                  ? 'above 0 a positive contribution, below 0 a negative one. An offset of −1 (none) marks atoms without a token offset (the transformer adapter’s “not applicable”), such as an MLP neuron sum read at the position itself.'
                  : 'above 0 a positive contribution, below 0 a negative one.',
              }
            : undefined,
        },
        ids,
        sectionId,
      ),
    );
  }
  if (!(hasSpatial && singleLag)) {
    figures.push(
      ...groupCurveFigures(
        {
          stem: 'temporal',
          title: lm ? 'Token-offset filters' : 'Temporal filters',
          xLabel: lagAxisLabel(model.filters.binUnit),
          yLabel: weightAxisLabel(model.nonlinearity.link, model.filters.binUnit),
          xName: words.lag,
          curves: drawnCurves(model, control, temporalCurve, names, colours, roleOf),
          controlLabel,
          meaning:
            temporalMeaning(model, words, targetName) +
            (hasSpatial ? ' Scaled as described under the spatial filters; spatial × temporal is the weight per input event.' : ''),
          colourRule: words.colourRule,
          bands: bandWording(model),
          // One lag and no spatial axis: each group is one weight, a table says it better than one-point panels.
          singleValue: singleLag
            ? {
                header: words.lag,
                format: (x) => formatSignificant(x),
                note: lm ? 'above 0 a positive contribution, below 0 a negative one.' : 'above 0 drives the output, below 0 suppresses it.',
              }
            : undefined,
        },
        ids,
        sectionId,
      ),
    );
  }
  // With one lag the full filter is the spatial figure again, one column wide: drawn only when it adds a lag axis.
  if (hasSpatial && !singleLag) {
    const vmax = filterRange(model);
    model.filters.groups.forEach((g, i) => {
      figures.push({
        id: ids.take(sectionId, 'full-filter', g.label),
        title: `Full ${lm ? 'filter over attribute and token offset' : 'spatiotemporal filter'}: ${names[i]}`,
        svg: filterHeatmapFigure(model, g, vmax, units),
        caption: `Weight per ${escapeHtml(words.inputUnit)} of group ${escapeHtml(g.label)} (${g.atoms} atoms) at each ${escapeHtml(attribute!)} value and ${escapeHtml(words.lag)}: red raises, blue lowers the ${escapeHtml(targetName)} probability, white is 0. One colour scale (±${formatSignificant(vmax)}) for every group of this model. Separability (share of the filter’s energy in its rank-1 part): ${formatNumber(g.separability)}. Hover a cell for its value.`,
      });
    });
  }
  const history = historyFigure(model, targetName);
  if (history) {
    figures.push({
      id: ids.take(sectionId, 'history-filter'),
      title: 'History filter',
      svg: history,
      caption:
        (words.kind === 'language-model'
          ? `What the behaviour’s own earlier occurrences (${escapeHtml(targetName)} at earlier positions of the prompt) add to the log-odds, by how many tokens ago they happened.`
          : `What the system’s own earlier ${escapeHtml(targetName)} adds to the linear predictor, by time since it happened. Strongly negative just after an event is a refractory or post-spike penalty.`) +
        (model.filters.history && bandOf(model.filters.history) ? ` Shaded: its ${escapeHtml(bandWording(model).clause)}.` : ''),
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
  const warnings = model.fit.warnings.length ? `<div class="warnings">${model.fit.warnings.map((w) => `<p>Warning: ${escapeHtml(w)}</p>`).join('')}</div>` : '';
  const control = input.control
    ? `<h3>Beside its control</h3><p class="provenance">Control: ${escapeHtml(input.control.label ?? 'control')} · ${provenance(input.control.model, vocabularyFor(input.control.model))}</p>` +
      controlTable(model, input.control.model, input.control.label ?? 'control', input.selectivity ?? null, words)
    : input.selectivity
      ? `<h3>Selectivity</h3>${selectivityLine(input.selectivity, words)}`
      : '';
  const scores = scoreIntervalsFigureFor(input, words, ids, sectionId);
  const figures = [...(scores ? [scores] : []), ...filterFigures(model, input, ids, sectionId, options, colours, targetName, words)];
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
