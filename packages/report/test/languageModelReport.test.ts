import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecSchema, writeDataset, writeReducedModel, type ReducedModel, type SearchResult } from '@occam/core';
import { buildReport, paretoFromSearch, reportDataForModel, reportFromFiles, vocabularyFor } from '@occam/report';
import { formatMetric } from '../src/page/metricValue.js';
import { formatSignificant } from '../src/svg/format.js';
import { shortGroupLabels } from '../src/style/shortGroupLabels.js';
import { wrapText } from '../src/svg/wrapText.js';
import { fittedLagLanguageModel, fittedLanguageModel, fittedNeuron, lagLmSpec, search } from './fixtures.js';

const lm = fittedLanguageModel();
const lagLm = fittedLagLanguageModel();
const selectivity = { bitsPerEvent: { estimate: 0.181, low: 0.12, high: 0.243 }, stratifiedAuroc: { estimate: 0.21, low: 0.15, high: 0.27 }, level: 0.95 };
const page = buildReport([{ model: lm.model, label: 'induction', prediction: reportDataForModel(lm.model, lm.dataset) }]);

/** Each <figure> of the page with its id and markup. */
function figures(html: string): { id: string; markup: string }[] {
  return [...html.matchAll(/<figure class="figure[^"]*" id="([^"]+)"[\s\S]*?<\/figure>/g)].map((m) => ({ id: m[1], markup: m[0] }));
}
const figure = (html: string, id: string) => figures(html).find((f) => f.id === id)?.markup ?? '';
/** What a reader sees: text without tags, tooltips or the page's style and script. */
const visible = (html: string) =>
  html
    .replace(/<(style|script|title)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

/** A model with only the given groups (by index). */
function withGroups(model: ReducedModel, keep: number[]): ReducedModel {
  const groups = keep.map((i) => model.filters.groups[i]);
  return { ...model, filters: { ...model.filters, groups }, layout: { ...model.layout, groups: groups.map((g) => g.label) } };
}

/** The model with its test gain set (and, optionally, the rest of its test block). */
function withGain(model: ReducedModel, bitsPerEvent: number): ReducedModel {
  const test = { ...model.metrics.test, gainOverPsth: { ...model.metrics.test.gainOverPsth, bitsPerEvent } };
  return { ...model, metrics: { ...model.metrics, test } };
}

describe('language-model report', () => {
  it('is told from the model: token bins or transformer atom attributes', () => {
    expect(vocabularyFor(lm.model).kind).toBe('language-model');
    expect(vocabularyFor(fittedNeuron().model).kind).toBe('neuron');
    const relabelled = {
      ...lm.model,
      filters: { ...lm.model.filters, binUnit: 'step' },
      provenance: { ...lm.model.provenance, dataset: { ...lm.model.provenance.dataset, binUnit: 'step' } },
    };
    expect(vocabularyFor(relabelled).kind).toBe('language-model');
  });

  it('speaks of prompts, positions, token offsets and contributions, never of neurons', () => {
    const text = visible(page);
    for (const words of [
      'token offset (k tokens back)',
      'prompt-to-prompt AUROC',
      'position only (mean per position)',
      'positive contribution',
      '120 test prompts',
      'Mean per position',
    ])
      expect(text).toContain(words);
    expect(text).not.toMatch(/excitatory|inhibitory|Γ|[Cc]oincidence|reduced neuron|PSTH|\btrials?\b|spike|\bms\b/);
  });

  it('draws the default spec’s offset axis as the token-offset figure: a panel per group with 17 offsets, a table for single-offset groups, no one-point temporal figures', () => {
    const groups = lm.model.filters.groups;
    expect(groups.length).toBe(17);
    const multi = groups.filter((g) => g.atoms > 1);
    const single = groups.filter((g) => g.atoms === 1);
    expect(multi).toHaveLength(12);
    const ids = figures(page).map((f) => f.id);
    // Every temporal filter is the single lag 0: no temporal or per-group full-filter figure, and the caption says why.
    expect(ids.filter((id) => /temporal|full-filter|spatial/.test(id))).toEqual([]);
    expect(ids).toEqual(expect.arrayContaining(['model-1-offset-filters', 'model-1-offset-heatmap', 'model-1-offset-single-weights']));
    const panels = figure(page, 'model-1-offset-filters');
    expect([...panels.matchAll(/<g class="panel" data-group="([^"]+)"/g)].map((m) => m[1])).toEqual(multi.map((g) => g.label));
    expect(visible(panels)).toContain('lag 0 reads each position’s own atoms');
    expect(visible(panels)).toContain('token offset (k tokens back)');
    expect(panels).not.toContain('class="legend"');
    // Short names above the panels, the full label on hover.
    expect(panels).toContain('>attn L0 H2 (17 atoms)</text>');
    expect(panels).toContain('<title>component=attn, feature=attention, layer=0, head=2, sign=none</title>');
    expect(panels).toMatch(/<title>component=input-pattern, feature=matches-next, layer=-1, head=-1, sign=none<\/title><text[^>]*>input-pattern matches-next/);
    // Shared axes: y tick labels only on the left column (4 columns, 3 rows).
    const yAxes = [...panels.matchAll(/<g class="axis axis-y">[\s\S]*?<\/g>/g)].map((m) => m[0]);
    expect(yAxes).toHaveLength(12);
    expect(yAxes.filter((a) => a.includes('<text')).length).toBe(3);
    // Each panel is drawn where the group has atoms: matches-current from offset 1, the heads from 0, never at −1.
    const points = (name: string) => Number(new RegExp(`data-series="${name} \\(1[67] atoms\\)" data-points="(\\d+)"`).exec(panels)?.[1]);
    expect(points('attn L1 H0')).toBe(17);
    expect(points('input-pattern matches-current')).toBe(16);
    // The planted copy feature peaks at offset LAG − 1 = 5 on the trained model's weight scale.
    const matchesNext = groups.find((g) => g.label.includes('feature=matches-next'))!;
    const weights = matchesNext.full.z.map((r) => r[0]);
    expect(matchesNext.full.x[weights.indexOf(Math.max(...weights))]).toBe(5);

    const heatmap = figure(page, 'model-1-offset-heatmap');
    for (const name of shortGroupLabels(multi.map((g) => g.label))) expect(heatmap).toContain(`>${name}</text>`);
    expect(heatmap).toContain('class="colour-bar"');
    expect(heatmap).toContain('component=input-pattern, feature=matches-next, layer=-1, head=-1, sign=none, token offset 5:');
    expect(heatmap).toMatch(new RegExp(`data-points="${8 * 17 + 17 + 16 + 17 + 17 - 5}"`));

    const table = figure(page, 'model-1-offset-single-weights');
    expect(table).toContain('<table class="metrics single-values">');
    expect(table).not.toContain('<svg');
    expect([...table.matchAll(/<th scope="row" title="([^"]+)"/g)].map((m) => m[1])).toEqual(single.map((g) => g.label));
    expect(visible(table)).toContain('mlp-neurons L1 pos 1 −1 (none)');
    expect(visible(table)).toContain('input-pattern position 1 0');
  });

  it('shows one-lag groups without a spatial axis as a table of weights, not one-point panels', () => {
    const flat = { ...lm.model, layout: { ...lm.model.layout, spatialAttribute: null } };
    const html = buildReport([{ model: flat }]);
    const ids = figures(html).map((f) => f.id);
    expect(ids.filter((id) => /filters|heatmap/.test(id))).toEqual([]);
    const table = figure(html, 'model-1-temporal-single-weights');
    expect([...table.matchAll(/<th scope="row" title="([^"]+)"/g)].map((m) => m[1])).toEqual(lm.model.filters.groups.map((g) => g.label));
    // The weight, with the interval of the filter's band when the fit made one.
    const t0 = lm.model.filters.groups[0].temporal as { y: number[]; band?: { low: number[]; high: number[] } };
    const interval = t0.band ? ` [${formatSignificant(t0.band.low[0])}, ${formatSignificant(t0.band.high[0])}]` : '';
    expect(table).toContain(`<td class="num">${formatSignificant(t0.y[0])}${interval}</td>`);
  });

  it('shortens group labels: not-applicable values and keys constant within a component go, layer and head read L and H', () => {
    const labels = lm.model.filters.groups.map((g) => g.label);
    const names = shortGroupLabels(labels);
    expect(names.slice(0, 3)).toEqual(['mlp-neurons L0 pos', 'mlp-neurons L0 neg', 'attn L0 H0']);
    expect(names).toContain('input-pattern matches-next');
    expect(names).toContain('input-pattern position');
    expect(new Set(names).size).toBe(names.length);
    expect(shortGroupLabels(['component=attn, layer=1, sign=pos', 'component=embed, layer=-1, sign=pos'])).toEqual(['attn L1 pos', 'embed pos']);
    expect(shortGroupLabels(['component=attn, head=0, sign=none', 'component=attn, head=0, sign=pos'])).toEqual(['attn', 'attn pos']);
    // Names that would collide keep their labels.
    expect(shortGroupLabels(['component=attn, layer=none', 'component=attn, layer=-1'])).toEqual(['component=attn, layer=none', 'component=attn, layer=-1']);
    expect(shortGroupLabels(['E', 'I'])).toEqual(['E', 'I']);
  });

  it('keeps a lag-axis language model’s token-offset filters as panels on shared axes with a group × offset heatmap', () => {
    const lagPage = buildReport([{ model: lagLm.model, label: 'induction (lag axis)' }]);
    const groups = lagLm.model.filters.groups;
    expect(groups.length).toBeGreaterThanOrEqual(12);
    const panels = figure(lagPage, 'model-1-temporal-filters');
    expect([...panels.matchAll(/<g class="panel" data-group="([^"]+)"/g)].map((m) => m[1])).toEqual(groups.map((g) => g.label));
    expect(panels).toContain('>attn L1 pos (4 atoms)</text>');
    expect(visible(lagPage)).toContain('token offset before the predicted token (tokens)');
    const heatmap = figure(lagPage, 'model-1-temporal-heatmap');
    for (const name of shortGroupLabels(groups.map((g) => g.label))) expect(heatmap).toContain(`>${name}</text>`);
    expect(heatmap).toMatch(new RegExp(`data-points="${groups.length * groups[0].temporal.x.length}"`));
  });

  it('overlays a few groups with the legend above the plot, and shows many groups as a heatmap alone', () => {
    const few = withGroups(lm.model, [2, 8, 12]);
    const fewPage = buildReport([{ model: few }]);
    const overlaid = figure(fewPage, 'model-1-offset-filters');
    expect(overlaid).toContain('class="legend"');
    expect(overlaid).toContain('>input-pattern matches-next (17 atoms)</text>');
    expect(overlaid).not.toContain('class="panel"');
    expect(figure(fewPage, 'model-1-offset-heatmap')).toBe('');
    expect(figure(fewPage, 'model-1-offset-single-weights')).toBe('');
    // The legend lies above the plot area: its last row ends before the plot's top edge (the y axis line).
    const legendMarkup = /<g class="legend">[\s\S]*?<\/g>/.exec(overlaid)![0];
    const legendBottom = Math.max(...[...legendMarkup.matchAll(/<text[^>]* y="([\d.]+)"/g)].map((m) => Number(m[1])));
    const plotTop = Number(/<g class="axis axis-y">[\s\S]*?<line x1="([\d.]+)" x2="\1" y1="([\d.]+)" y2="[\d.]+" stroke="#4d4d4d"\/><text/.exec(overlaid)![2]);
    expect(legendBottom).toBeLessThan(plotTop);

    const multi = lm.model.filters.groups.filter((g) => g.atoms > 1);
    const many = {
      ...lm.model,
      filters: {
        ...lm.model.filters,
        groups: Array.from({ length: 30 }, (_, i) => ({ ...multi[i % multi.length], label: `component=attn, layer=${i}, sign=pos` })),
      },
    };
    const manyPage = buildReport([{ model: many }]);
    expect(figure(manyPage, 'model-1-offset-filters')).toBe('');
    expect(figure(manyPage, 'model-1-offset-heatmap')).toContain('30 groups: too many for one panel each');
    const lagMany = {
      ...lagLm.model,
      filters: {
        ...lagLm.model.filters,
        groups: Array.from({ length: 30 }, (_, i) => ({ ...lagLm.model.filters.groups[i % 15], label: `component=attn, layer=${i}, sign=pos` })),
      },
    };
    const lagManyPage = buildReport([{ model: lagMany }]);
    expect(figure(lagManyPage, 'model-1-temporal-filters')).toBe('');
    expect(figure(lagManyPage, 'model-1-temporal-heatmap')).toContain('30 groups: too many for one panel each');
  });

  it('shows the control beside the trained model: scores side by side, selectivity with its interval, filters dashed, in their own heatmap and in the weights table', () => {
    const html = buildReport([{ model: lm.model, control: { model: lm.control, label: 'random-weights control' }, selectivity }]);
    const table = /<table class="metrics control">[\s\S]*?<\/table>/.exec(html)![0];
    expect(table).toContain('random-weights control');
    expect(table).toContain(formatMetric(lm.model.metrics.test.model.auroc));
    expect(table).toContain(formatMetric(lm.control.metrics.test.model.auroc));
    expect(table).toContain('0.181 [0.120, 0.243]');
    expect(table).toContain('0.210 [0.150, 0.270]');
    expect(visible(html)).toContain('The bits-per-event interval lies above 0');
    expect(figure(html, 'model-1-offset-filters')).toMatch(/data-series="attn L1 H0 \(17 atoms\), random-weights control"[^>]*stroke-dasharray/);
    expect(figure(html, 'model-1-control-offset-heatmap')).toContain('class="colour-bar"');
    const weights = figure(html, 'model-1-offset-single-weights');
    expect(weights).toContain('<th>weight, random-weights control</th>');
    const controlNeuron = lm.control.filters.groups.find(
      (g) => g.label.includes('mlp-neurons') && g.label.includes('layer=1') && g.label.includes('sign=pos'),
    )!;
    expect(weights).toContain(`<td class="num">${formatSignificant(controlNeuron.full.z[0][0])}</td></tr>`);
    const lagHtml = buildReport([{ model: lagLm.model, control: { model: lagLm.control, label: 'random-weights control' } }]);
    expect(figure(lagHtml, 'model-1-temporal-filters')).toMatch(/data-series="attn L1 pos \(4 atoms\), random-weights control"[^>]*stroke-dasharray/);
    expect(figure(lagHtml, 'model-1-control-temporal-heatmap')).toContain('class="colour-bar"');

    const including0 = buildReport([
      { model: lm.model, control: { model: lm.control }, selectivity: { bitsPerEvent: { estimate: 0.01, low: -0.05, high: 0.07 } } },
    ]);
    expect(visible(including0)).toContain('interval includes 0: this reduction cannot be told apart from its control');
    const noInterval = buildReport([{ model: lm.model, control: { model: lm.control } }]);
    expect(visible(noInterval)).toContain('No selectivity interval was given');
  });

  it('warns when the control reaches half the trained gain, and only then', () => {
    const trained = withGain(lm.model, 0.4);
    const warn = buildReport([{ model: trained, control: { model: withGain(lm.control, 0.3) } }]);
    expect(visible(warn)).toContain('the control reaches 75 % of the trained model’s gain');
    expect(visible(warn)).toContain('they probably read the answer');
    const quiet = buildReport([{ model: trained, control: { model: withGain(lm.control, 0.1) } }]);
    expect(visible(quiet)).not.toContain('read the answer');
  });

  it('prints intervals wherever a score carries one', () => {
    expect(formatMetric({ estimate: 0.9641, low: 0.9512, high: 0.9749 })).toBe('0.964 [0.951, 0.975]');
    expect(formatMetric({ estimate: 0.5, low: null, high: null })).toBe('0.500');
    expect(formatMetric(-0.25)).toBe('−0.250');
    expect(formatMetric(null)).toBe('—');
    const iv = {
      auroc: [0.95, 0.97],
      stratifiedAuroc: [0.6, 0.64],
      trialToTrialAuroc: [0.5, 0.58],
      logLikPerBin: null,
      pseudoR2: null,
      accuracy: null,
      bitsPerEventOverPsth: [0.1, 0.3],
    };
    const test = {
      ...lm.model.metrics.test,
      intervals: { method: 'percentile bootstrap over trials', level: 0.95, resamples: 500, seed: 0, trials: 120, model: iv, psth: iv, modelMinusPsth: iv },
    };
    const html = buildReport([
      { model: { ...lm.model, metrics: { ...lm.model.metrics, test, decidingMetric: { metric: 'stratifiedAuroc', why: 'token positions' } } } as ReducedModel },
    ]);
    expect(html).toContain(`${formatMetric(lm.model.metrics.test.model.auroc)} [0.950, 0.970]`);
    expect(html).toContain(`${formatMetric(lm.model.metrics.test.gainOverPsth.bitsPerEvent)} [0.100, 0.300]</strong> bits per event`);
    expect(visible(html)).toContain('95 % bootstrap interval (500 resamples of whole prompts)');
    expect(visible(html)).toContain('Deciding figure: the position-stratified AUROC — token positions');
  });

  it('keeps the neuron wording and Γ for a neuron', () => {
    const { model } = fittedNeuron();
    const html = buildReport([{ model }]);
    expect(visible(html)).toContain('Coincidence factor Γ');
    expect(visible(html)).toContain('trial-to-trial AUROC');
    expect(visible(html)).not.toMatch(/prompt|token offset/);
  });
});

describe('language-model search', () => {
  it('names the position-only baseline, not the PSTH, when the search split by transformer attributes', () => {
    const candidate = (key: string, parameters: number, on: number, gain: number) => ({
      key,
      levels: { 'split by component': on },
      spec: SpecSchema.parse(on ? lagLmSpec : { ...lagLmSpec, groupBy: [] }),
      parameters,
      familiesUsed: on,
      metrics: { auroc: 0.9, psthAuroc: 0.8, llGainOverPsth: gain, trialToTrialAuroc: 0.7, pseudoR2: 0.3 },
      foundBy: ['forward'],
    });
    const result = {
      format: 'occam.search',
      version: 1,
      options: {
        maxLag: 12,
        minLag: 0,
        family: 'bernoulli',
        ridge: 1,
        folds: 3,
        seed: 0,
        tolerance: 0.005,
        rankBy: 'llGainOverPsth',
        strategies: ['forward'],
        ignoreAttributes: [],
        history: false,
      },
      families: [{ name: 'split by component', levels: ['off', 'on'] }],
      candidates: [candidate('a', 14, 0, 0.1), candidate('b', 196, 1, 0.3)],
      paretoFront: ['a', 'b'],
      best: 'b',
      minimal: 'b',
      ablations: [],
      paths: { forward: ['a', 'b'] },
    } as unknown as SearchResult;
    const pareto = paretoFromSearch(result);
    expect(pareto.metric.baseline).toEqual({ name: 'position only (mean per position)', value: 0 });
    expect(pareto.metric.name).toBe('log-likelihood gain over the position-only baseline (bits/event)');
    expect(visible(buildReport([], { search: [pareto] }))).not.toMatch(/PSTH/);
  });
});

describe('wrapText', () => {
  it('breaks group names after commas, then spaces, then hyphens, never beyond the limit', () => {
    expect(wrapText('component=attn, layer=0, sign=pos', 40)).toEqual(['component=attn, layer=0, sign=pos']);
    expect(wrapText('component=attn, layer=0, sign=pos', 20)).toEqual(['component=attn,', 'layer=0, sign=pos']);
    const long = 'component=attention-output-projection, feature=direct-effect-on-the-answer-logit (1 atom)';
    const lines = wrapText(long, 30);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(30);
    expect(lines).toEqual(['component=attention-output-', 'projection,', 'feature=direct-effect-on-the-', 'answer-logit (1 atom)']);
    expect(lines.join('').replace(/\s/g, '')).toBe(long.replace(/\s/g, ''));
  });
});

describe('reportFromFiles with a control', () => {
  it('reads the control model file and the selectivity, and refuses what cannot pair', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'occam-report-control-'));
    await writeDataset(join(dir, 'lm.dataset'), lm.dataset);
    const model = { ...lm.model, provenance: { ...lm.model.provenance, dataset: { ...lm.model.provenance.dataset, path: join(dir, 'lm.dataset') } } };
    await writeReducedModel(join(dir, 'lm.model.json'), model);
    await writeReducedModel(join(dir, 'control.model.json'), {
      ...lm.control,
      provenance: { ...lm.control.provenance, dataset: { ...lm.control.provenance.dataset, path: null } },
    });
    await writeFile(join(dir, 'search.json'), JSON.stringify(search));
    const html = await reportFromFiles([join(dir, 'lm.model.json')], { control: join(dir, 'control.model.json'), selectivity });
    expect(html).toContain('<table class="metrics control">');
    expect(html).toContain('0.181 [0.120, 0.243]');
    expect(figures(html).map((f) => f.id)).toContain('model-1-roc');

    await expect(reportFromFiles([join(dir, 'lm.model.json'), join(dir, 'lm.model.json')], { control: join(dir, 'control.model.json') })).rejects.toThrow(
      /a control pairs with one model, but 2 models were given/,
    );
    await expect(reportFromFiles([join(dir, 'lm.model.json')], { control: join(dir, 'search.json') })).rejects.toThrow(/search\.json: not a reduced model/);
    await expect(
      reportFromFiles([join(dir, 'lm.model.json')], { control: join(dir, 'control.model.json'), selectivity: { bitsPerEvent: { estimate: 'high' } } as never }),
    ).rejects.toThrow(/selectivity: bitsPerEvent\.estimate: .*expected \{ bitsPerEvent/);
  });
});
