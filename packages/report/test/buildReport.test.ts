import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auroc, fitReducedModel, rocCurve, SpecSchema, writeDataset, writeReducedModel, type SearchResult } from '@occam/core';
import {
  buildReport,
  ComparisonMatrixSchema,
  DynamicsResultSchema,
  groupRole,
  matricesFromCompare,
  CompareResultViewSchema,
  paretoFromSearch,
  parseResult,
  readResultFile,
  reportDataForModel,
  reportFromFiles,
  ParetoFrontSchema,
  writeReport,
} from '@occam/report';
import { niceTicks } from '../src/svg/scale.js';
import { formatNumber } from '../src/svg/format.js';
import { dynamics, fittedNeuron, search, spec, transfer, universality } from './fixtures.js';

const { dataset, model } = fittedNeuron();
const prediction = reportDataForModel(model, dataset);
const extras = {
  search: [ParetoFrontSchema.parse(search)],
  matrices: [ComparisonMatrixSchema.parse(universality), ComparisonMatrixSchema.parse(transfer)],
  dynamics: [DynamicsResultSchema.parse(dynamics)],
};
const html = buildReport([{ model, prediction, label: 'planted neuron' }], extras);

/** Each <figure> of the page with its id and markup. */
function figures(page: string): { id: string; markup: string }[] {
  return [...page.matchAll(/<figure class="figure[^"]*" id="([^"]+)"[\s\S]*?<\/figure>/g)].map((m) => ({ id: m[1], markup: m[0] }));
}

describe('buildReport', () => {
  it('is one self-contained page: nothing to fetch, a content policy that forbids fetching', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/\ssrc=/);
    expect(html).not.toMatch(/url\(|@import/);
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<)]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
  });

  it('draws every figure with data and offers each as SVG', () => {
    const figs = figures(html);
    const ids = figs.map((f) => f.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'model-1-spatial-filters',
        'model-1-temporal-filters',
        'model-1-full-filter-type-excitatory',
        'model-1-full-filter-type-inhibitory',
        'model-1-history-filter',
        'model-1-nonlinearity',
        'model-1-roc',
        'model-1-example-trials',
        'model-1-raster',
        'model-1-psth',
        'search-1-pareto-front',
        'comparisons-universality-trial-to-trial-auroc',
        'comparisons-transfer-gain-over-psth-bits-event',
        'dynamics-1-metric',
        'dynamics-1-total-weight',
        'dynamics-1-temporal-sign-positive',
      ]),
    );
    for (const f of figs) {
      expect(f.markup, f.id).toMatch(/<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(f.markup, f.id).toContain(`data-file="${f.id}.svg"`);
      const points = [...f.markup.matchAll(/class="mark"[^>]*data-points="(\d+)"/g)].map((m) => Number(m[1]));
      expect(points.length, f.id).toBeGreaterThan(0);
      expect(Math.max(...points), f.id).toBeGreaterThan(1);
    }
  });

  it('labels axes with units and keeps the colour conventions', () => {
    for (const label of [
      'distance from soma (µm)',
      'time before the predicted bin (ms)',
      'weight (Δ log-odds per input)',
      'time since an earlier spike (ms)',
      'time (ms)',
      'P(spike) per 1 ms bin',
      'weighted net input (log-odds)',
    ])
      expect(html).toContain(label);
    const spatial = figures(html).find((f) => f.id === 'model-1-spatial-filters')!.markup;
    expect(spatial).toMatch(/data-series="type=excitatory \(7 atoms\)"[^>]*stroke="#d7301f"/);
    expect(spatial).toMatch(/data-series="type=inhibitory \(7 atoms\)"[^>]*stroke="#2166ac"/);
    expect(groupRole('sign=negative')).toBe('inhibitory');
    expect(groupRole('type=E')).toBe('excitatory');
    expect(groupRole('layer∈[0,2)')).toBe('other');
    const tokens = buildReport([{ model: { ...model, filters: { ...model.filters, binUnit: 'token' } } }]);
    expect(tokens).toContain('token offset before the predicted token (tokens)');
  });

  it('puts every score beside the PSTH and constant baselines and the trial-to-trial AUROC', () => {
    const t = model.metrics.test;
    const table = /<table class="metrics">[\s\S]*?<\/table>/.exec(html)![0];
    for (const v of [t.model.auroc, t.psth.auroc, t.constant.auroc, t.lookup!.auroc, t.trialToTrialAuroc.model, t.trialToTrialAuroc.psth])
      expect(table).toContain(formatNumber(v));
    expect(table).toContain(formatNumber(t.nullAccuracy, 4));
    expect(html).toContain(formatNumber(t.gainOverPsth.bitsPerEvent));
    expect(html).toContain(formatNumber(model.metrics.coincidence!.gamma));
  });

  it('is deterministic and escapes what it is given', () => {
    expect(buildReport([{ model, prediction, label: 'planted neuron' }], extras)).toBe(html);
    const evil = buildReport([{ model, label: '<script>alert(1)</script>' }], { title: 'a & b' });
    expect(evil).not.toContain('<script>alert(1)');
    expect(evil).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(evil).toContain('<title>a &amp; b</title>');
  });

  it('leaves out the prediction figures, saying so, when no dataset is given', () => {
    const page = buildReport([{ model }]);
    const ids = figures(page).map((f) => f.id);
    // Scores with intervals, two filter kinds, two full filters, history, nonlinearity.
    expect(ids).toHaveLength(7);
    expect(ids).toContain('model-1-score-intervals');
    expect(ids).not.toContain('model-1-roc');
    expect(page).toContain('No dataset was given');
  });
});

describe('reportDataForModel', () => {
  it('scores the held-out trials exactly as the fit did', () => {
    expect(prediction.trials).toBe('held-out');
    expect(prediction.roc!.trials).toBe(model.provenance.testTrials.length);
    expect(prediction.roc!.bins).toBe(model.metrics.test.model.bins);
    expect(prediction.roc!.model.auroc).toBeCloseTo(model.metrics.test.model.auroc!, 12);
    expect(prediction.roc!.psth.auroc).toBeCloseTo(model.metrics.test.psth.auroc!, 12);
    expect(prediction.examples).toHaveLength(4);
    for (const ex of prediction.examples) expect(ex.predicted.every((p) => p > 0 && p < 1)).toBe(true);
    expect(prediction.raster.recorded).toHaveLength(30);
    expect(prediction.raster.simulated).toHaveLength(30);
    expect(prediction.time.markers).toEqual({ stimulus: 30 });
    expect(prediction.scoredBins).toEqual([25, 69]);
  });

  it('falls back to every trial, with a note, for a k-fold model', () => {
    const kfold = fitReducedModel(dataset, { ...spec, validation: { kind: 'kfold', folds: 3, seed: 1 } });
    const p = reportDataForModel(kfold, dataset, { maxTrials: 100, rasterTrials: 5, simulatedTrials: 20 });
    expect(p.trials).toBe('all');
    expect(p.note).toMatch(/in-sample.*3-fold out-of-fold/);
    expect(p.roc!.trials).toBe(100);
    expect(p.raster.trials).toHaveLength(5);
    expect(buildReport([{ model: kfold, prediction: p }])).toContain('in-sample');
  });

  it('draws ROC curves with every corner of a coarse score, and their area is the AUROC', () => {
    const scores = [0.1, 0.1, 0.1, 0.5, 0.5, 0.9, 0.9, 0.9, 0.2, 0.2];
    const labels = [0, 1, 0, 1, 0, 1, 1, 0, 0, 0];
    const { fpr, tpr } = rocCurve(scores, labels);
    expect(fpr.length).toBe(5); // origin + one point per distinct score
    let area = 0;
    for (let i = 1; i < fpr.length; i++) area += ((fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1])) / 2;
    expect(area).toBeCloseTo(auroc(scores, labels), 12);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
});

describe('result files', () => {
  it('validates search, matrix and dynamics JSON and names the problem', () => {
    expect(parseResult(search, 's.json').kind).toBe('search');
    expect(parseResult(dynamics, 'd.json').kind).toBe('dynamics');
    expect(() => parseResult({ ...universality, values: [[1, 2]] }, 'u.json')).toThrow(/u\.json: invalid content\n\s+values: has 1 rows, expected 4/);
    expect(() => parseResult({ format: 'occam.nothing' }, 'x.json')).toThrow(/x\.json: not a result occam can report: "format" is "occam.nothing"/);
    expect(parseResult(universality, 'u.json')).toMatchObject({ kind: 'matrices', result: [{ kind: 'universality' }] });
  });

  it("reads occam's own search output as a Pareto front", () => {
    const candidate = (key: string, parameters: number, levels: Record<string, number>, gain: number) => ({
      key,
      levels,
      spec: SpecSchema.parse(spec),
      parameters,
      familiesUsed: Object.values(levels).filter((l) => l > 0).length,
      metrics: { auroc: 0.9, psthAuroc: 0.8, llGainOverPsth: gain, trialToTrialAuroc: 0.7, pseudoR2: 0.3 },
      foundBy: ['forward'],
    });
    const core: SearchResult = {
      format: 'occam.search',
      version: 1,
      options: {
        maxLag: 20,
        minLag: 0,
        family: 'bernoulli',
        ridge: 1,
        folds: 3,
        seed: 0,
        tolerance: 0.005,
        rankBy: 'llGainOverPsth',
        strategies: ['forward'],
        ignoreAttributes: [],
        history: true,
      },
      families: [
        { name: 'split by type', levels: ['off', 'on'] },
        { name: 'history', levels: ['off', 'on'] },
      ],
      candidates: [
        candidate('a', 5, { 'split by type': 0, history: 0 }, 0.2),
        candidate('b', 9, { 'split by type': 1, history: 0 }, 0.8),
        candidate('c', 12, { 'split by type': 1, history: 1 }, 0.81),
      ],
      paretoFront: ['a', 'b', 'c'],
      best: 'c',
      minimal: 'b',
      ablations: [],
      paths: { forward: ['a', 'b', 'c'] },
    };
    const result = parseResult(JSON.parse(JSON.stringify(core)), 'search.json');
    expect(result.kind).toBe('search');
    const pareto = paretoFromSearch(core);
    expect(pareto.candidates.map((c) => [c.id, c.metric, c.onFront, c.chosen])).toEqual([
      ['a', 0.2, true, false],
      ['b', 0.8, true, true],
      ['c', 0.81, true, false],
    ]);
    expect(pareto.candidates[2].families).toEqual(['split by type: on', 'history: on']);
    expect(pareto.metric.baseline).toEqual({ name: 'time only (PSTH)', value: 0 });
    expect(pareto.notes[0]).toMatch(/fewest parameters whose held-out AUROC is within 0.005/);
    expect(figures(buildReport([], { search: [pareto] })).map((f) => f.id)).toEqual(['search-1-pareto-front']);
  });

  it("reads occam's own comparison output as universality matrices, in its clustering order", () => {
    const compare = CompareResultViewSchema.parse({
      format: 'occam.compare',
      version: 1,
      kind: 'systems',
      names: ['A', 'B'],
      order: ['B', 'A'],
      filterSimilarity: [
        {
          group: 'type=excitatory',
          filter: 'full',
          matrix: [
            [1, 0.5],
            [0.5, 1],
          ],
        },
        {
          group: 'type=excitatory',
          filter: 'temporal',
          matrix: [
            [1, 0.6],
            [0.6, 1],
          ],
        },
      ],
      crossPrediction: {
        auroc: [
          [0.9, 0.8],
          [0.7, 0.95],
        ],
        relativeToOwn: [
          [0, -0.15],
          [-0.2, 0],
        ],
        trialToTrialAuroc: [
          [0.8, 0.7],
          [0.6, 0.85],
        ],
      },
      variability: [],
    });
    const matrices = matricesFromCompare(compare);
    expect(matrices.map((m) => m.metric)).toEqual(['held-out AUROC', 'trial-to-trial AUROC', 'AUROC minus the data’s own model', 'cosine similarity']);
    expect(matrices[0].rows.labels).toEqual(['B', 'A']);
    expect(matrices[0].values).toEqual([
      [0.95, 0.7],
      [0.8, 0.9],
    ]);
    expect(matrices.every((m) => m.kind === 'universality')).toBe(true);
    expect(figures(buildReport([], { matrices }))).toHaveLength(4);
  });

  it('reportFromFiles reads models and results, finds the dataset, and notes what it cannot', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'occam-report-files-'));
    const dataDir = join(dir, 'dataset');
    await writeDataset(dataDir, dataset);
    const withData = { ...model, provenance: { ...model.provenance, dataset: { ...model.provenance.dataset, path: dataDir } } };
    await writeReducedModel(join(dir, 'model.json'), withData);
    await writeReducedModel(join(dir, 'lost.json'), {
      ...model,
      provenance: { ...model.provenance, dataset: { ...model.provenance.dataset, path: join(dir, 'missing') } },
    });
    await writeFile(join(dir, 'search.json'), JSON.stringify(search));
    expect((await readResultFile(join(dir, 'model.json'))).kind).toBe('model');
    const notes: string[] = [];
    const page = await reportFromFiles([join(dir, 'model.json'), join(dir, 'lost.json'), join(dir, 'search.json')], { onNote: (n) => notes.push(n) });
    const ids = figures(page).map((f) => f.id);
    expect(ids).toContain('model-1-roc');
    expect(ids).not.toContain('model-2-roc');
    expect(ids).toContain('search-1-pareto-front');
    expect(page).toContain('Models at a glance');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/lost\.json: its dataset .*missing was not found/);
    const out = join(dir, 'out', 'report.html');
    await writeReport(out, page);
    expect(await readFile(out, 'utf8')).toBe(page);
  });
});
