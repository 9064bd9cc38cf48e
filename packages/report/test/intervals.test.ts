import { describe, expect, it } from 'vitest';
import { OccamError, SpecSchema, type ReducedModel, type SearchResult } from '@occam/core';
import {
  buildReport,
  CompareResultViewSchema,
  ComparisonMatrixSchema,
  DynamicsResultSchema,
  matricesFromCompare,
  ParetoFrontSchema,
  paretoFromSearch,
  parseResult,
} from '@occam/report';
import { filterPanelsFigure } from '../src/figures/filterPanels.js';
import { formatNumber } from '../src/svg/format.js';
import {
  dynamics,
  dynamicsWithIntervals,
  fittedNeuron,
  search,
  searchWithIntervals,
  spec,
  universality,
  universalityWithIntervals,
  withFilterBands,
} from './fixtures.js';

const { model } = fittedNeuron();
const banded = withFilterBands(model);

/** Each <figure> of the page by id. */
function figure(page: string, id: string): string {
  const m = new RegExp(`<figure class="figure[^"]*" id="${id}"[\\s\\S]*?</figure>`).exec(page);
  if (!m) throw new Error(`no figure ${id}`);
  return m[0];
}

const number = (label: string) => Number(label.replace('−', '-'));

/**
 * The data → pixel map of an axis, read back from the drawn ticks (each labelled tick's position and value):
 * what a reader does with a ruler. `which` picks the y axis (labels right-aligned left of the plot) or x.
 */
function axisScale(svg: string, which: 'x' | 'y'): (v: number) => number {
  const group = new RegExp(`<g class="axis axis-${which}">([\\s\\S]*?)</g>`).exec(svg)![1];
  const ticks = [...group.matchAll(/<text x="([-\d.]+)" y="([-\d.]+)"[^>]*>([^<]+)<\/text>/g)]
    .map((m) => ({ x: Number(m[1]), y: Number(m[2]), value: number(m[3]) }))
    .filter((t) => Number.isFinite(t.value));
  expect(ticks.length).toBeGreaterThanOrEqual(2);
  const [a, b] = [ticks[0], ticks[ticks.length - 1]];
  // y labels sit 4 px below their tick; x labels are centred on theirs.
  const pa = which === 'y' ? a.y - 4 : a.x;
  const pb = which === 'y' ? b.y - 4 : b.x;
  return (v) => pa + ((v - a.value) / (b.value - a.value)) * (pb - pa);
}

/**
 * A band path's upper edge (drawn forwards) and lower edge (drawn back), as pixel points, over all its pieces
 * (a band is split where a value is missing).
 */
function bandEdges(svg: string, series: string): { upper: [number, number][]; lower: [number, number][]; pieces: number } {
  const m = new RegExp(`<path class="band" data-series="${series.replace(/[()+]/g, '\\$&')}" data-points="(\\d+)" d="([^"]+)"`).exec(svg);
  if (!m) throw new Error(`no band ${series}`);
  const upper: [number, number][] = [];
  const lower: [number, number][] = [];
  const pieces = m[2].split('Z').filter((p) => p.length > 0);
  for (const piece of pieces) {
    const pts = piece
      .slice(1)
      .split('L')
      .map((p) => p.split(' ').map(Number) as [number, number]);
    expect(pts.length % 2).toBe(0);
    upper.push(...pts.slice(0, pts.length / 2));
    lower.push(...pts.slice(pts.length / 2).reverse());
  }
  expect(upper).toHaveLength(Number(m[1]));
  return { upper, lower, pieces: pieces.length };
}

/** One panel of the score-intervals figure, by its measure. */
function scorePanel(svg: string, measure: string): string {
  const start = svg.indexOf(`<g class="panel score-panel" data-measure="${measure}">`);
  if (start < 0) throw new Error(`no panel ${measure}`);
  const next = svg.indexOf('<g class="panel score-panel"', start + 1);
  return svg.slice(start, next < 0 ? svg.length : next);
}

/** Every error bar of a series: its interval as written and its vertical extent in pixels. */
function bars(svg: string, series: string): { low: number; high: number; y0: number; y1: number; x: number }[] {
  const g = new RegExp(`<g class="intervals" data-series="${series.replace(/[()+−]/g, '\\$&')}"[^>]*>([\\s\\S]*?)</g>`).exec(svg);
  if (!g) throw new Error(`no error bars ${series}`);
  return [...g[1].matchAll(/data-low="([-\d.e]+)" data-high="([-\d.e]+)" d="M([-\d.]+) ([-\d.]+)V([-\d.]+)/g)].map((m) => ({
    low: Number(m[1]),
    high: Number(m[2]),
    x: Number(m[3]),
    y0: Number(m[4]),
    y1: Number(m[5]),
  }));
}

describe('filter bands', () => {
  const page = buildReport([{ model: banded, label: 'banded' }]);

  it("shades each temporal filter's band: upper edge at the high values, lower at the low, through the axes' scales", () => {
    const svg = figure(page, 'model-1-temporal-filters');
    const y = axisScale(svg, 'y');
    const x = axisScale(svg, 'x');
    for (const g of banded.filters.groups) {
      const band = (g.temporal as unknown as { band: { low: number[]; high: number[] } }).band;
      const { upper, lower } = bandEdges(svg, `${g.label} (${g.atoms} atoms) band`);
      expect(upper).toHaveLength(g.temporal.x.length);
      upper.forEach(([px, py], i) => {
        expect(px).toBeCloseTo(x(g.temporal.x[i]), 0);
        expect(py).toBeCloseTo(y(band.high[i]), 0);
      });
      lower.forEach(([, py], i) => expect(py).toBeCloseTo(y(band.low[i]), 0));
      // The band lies behind its line, in the group's colour.
      expect(svg.indexOf(`data-series="${g.label} (${g.atoms} atoms) band"`)).toBeLessThan(svg.indexOf(`data-series="${g.label} (${g.atoms} atoms)"`));
    }
    expect(svg).toContain('95 % band');
    expect(svg).toContain('pointwise 95 % band');
  });

  it('shades the spatial filters and the history filter too', () => {
    const spatial = figure(page, 'model-1-spatial-filters');
    for (const g of banded.filters.groups) expect(spatial).toContain(`data-series="${g.label} (${g.atoms} atoms) band"`);
    const history = figure(page, 'model-1-history-filter');
    const h = banded.filters.history as unknown as { x: number[]; band: { low: number[]; high: number[] } };
    const y = axisScale(history, 'y');
    const { upper, lower } = bandEdges(history, 'history (own output) band');
    upper.forEach(([, py], i) => expect(py).toBeCloseTo(y(h.band.high[i]), 0));
    lower.forEach(([, py], i) => expect(py).toBeCloseTo(y(h.band.low[i]), 0));
    expect(history).toContain('Shaded: its pointwise 95 % band');
  });

  it('widens the y axis to hold the band', () => {
    const svg = figure(page, 'model-1-temporal-filters');
    const y = axisScale(svg, 'y');
    const axis = /<g class="axis axis-y">[\s\S]*?<\/g>/.exec(svg)![0];
    // The axis line runs from the plot's top to its bottom (the ticks are horizontal).
    const line = [...axis.matchAll(/<line x1="([-\d.]+)" x2="\1" y1="([-\d.]+)" y2="([-\d.]+)"/g)].pop()!;
    const [top, bottom] = [Number(line[2]), Number(line[3])];
    expect(bottom - top).toBeGreaterThan(100);
    for (const g of banded.filters.groups) {
      const band = (g.temporal as unknown as { band: { low: number[]; high: number[] } }).band;
      for (const v of [...band.low, ...band.high]) {
        expect(y(v)).toBeGreaterThanOrEqual(top - 0.5);
        expect(y(v)).toBeLessThanOrEqual(bottom + 0.5);
      }
    }
  });

  it('draws a band in each small-multiple panel', () => {
    const svg = filterPanelsFigure({
      title: 'panels',
      xLabel: 'lag (ms)',
      yLabel: 'weight',
      panels: Array.from({ length: 5 }, (_, k) => ({
        label: `group ${k}`,
        colour: '#d7301f',
        x: [1, 2, 3],
        y: [k, k + 1, k],
        band: { low: [k - 0.5, k + 0.5, k - 0.5], high: [k + 0.5, k + 1.5, k + 0.5] },
      })),
    });
    expect(svg.match(/class="band"/g)).toHaveLength(5);
    expect(svg).toContain('95 % band');
  });

  it('leaves a model written before bands as it was: no band, no band wording', () => {
    const old = structuredClone(model);
    delete (old.filters as { bands?: unknown }).bands;
    for (const s of [...old.filters.groups.flatMap((g) => [g.spatial, g.temporal]), old.filters.history!]) delete (s as { band?: unknown }).band;
    const plain = buildReport([{ model: old, label: 'plain' }]);
    expect(plain).not.toContain('class="band"');
    expect(plain).not.toContain('95 % band');
  });

  it('reads bands from a model file (even one whose schema strips them) and refuses a band that does not fit its curve', () => {
    const json = JSON.parse(JSON.stringify(banded));
    const read = parseResult(json, 'banded.model.json');
    expect(read.kind).toBe('model');
    const readModel = (read as { model: ReducedModel }).model;
    expect((readModel.filters.groups[1].temporal as unknown as { band: unknown }).band).toEqual(
      (banded.filters.groups[1].temporal as unknown as { band: unknown }).band,
    );
    expect(buildReport([{ model: readModel }])).toContain('class="band"');
    const short = JSON.parse(JSON.stringify(banded));
    short.filters.groups[0].temporal.band.high.pop();
    expect(() => parseResult(short, 'short.model.json')).toThrow(OccamError);
    // Core's model check or the report's own: either names the file and the band.
    expect(() => parseResult(short, 'short.model.json')).toThrow(/short\.model\.json: filters\.groups(\[0\]|\.0)\.temporal\.band/);
    const wrong = JSON.parse(JSON.stringify(banded));
    wrong.filters.history.band = { low: 'none' };
    expect(() => parseResult(wrong, 'wrong.model.json')).toThrow(/wrong\.model\.json: [\s\S]*filters\.history\.band\.low/);
  });
});

describe('score intervals', () => {
  const t = model.metrics.test;
  const iv = t.intervals!;

  it('draws the model, lookup and PSTH scores as points with error bars spanning their intervals', () => {
    expect(iv).toBeTruthy();
    const page = buildReport([{ model }]);
    const svg = figure(page, 'model-1-score-intervals');
    const panel = scorePanel(svg, 'AUROC per bin');
    const y = axisScale(panel, 'y');
    const [m] = bars(panel, 'model interval');
    expect([m.low, m.high]).toEqual(iv.model.auroc);
    expect(m.y0).toBeCloseTo(y(iv.model.auroc![0]), 0);
    expect(m.y1).toBeCloseTo(y(iv.model.auroc![1]), 0);
    const [p] = bars(panel, 'PSTH interval');
    expect([p.low, p.high]).toEqual(iv.psth.auroc);
    expect(p.y0).toBeCloseTo(y(iv.psth.auroc![0]), 0);
    const [l] = bars(panel, 'lookup interval');
    expect([l.low, l.high]).toEqual(iv.lookup!.auroc);
    const gain = scorePanel(svg, 'gain over the PSTH (bits/event)');
    expect(bars(gain, 'model interval')[0].low).toBe(iv.modelMinusPsth.bitsPerEventOverPsth![0]);
    expect(svg).toContain(`model, AUROC per bin: ${formatNumber(t.model.auroc)} [${formatNumber(iv.model.auroc![0])}, ${formatNumber(iv.model.auroc![1])}]`);
  });

  it('prints every interval in the tables, the lookup column and Γ included', () => {
    const page = buildReport([{ model }]);
    const table = /<table class="metrics">[\s\S]*?<\/table>/.exec(page)![0];
    const f = (est: number | null, pair: [number, number] | null | undefined) => `${formatNumber(est)} [${formatNumber(pair![0])}, ${formatNumber(pair![1])}]`;
    expect(table).toContain(f(t.model.auroc, iv.model.auroc));
    expect(table).toContain(f(t.psth.auroc, iv.psth.auroc));
    expect(table).toContain(f(t.lookup!.auroc, iv.lookup!.auroc));
    const g = model.metrics.coincidence!;
    expect(g.interval).toBeTruthy();
    expect(page).toContain(`<strong>${f(g.gamma, g.interval)}</strong>`);
    const overview = buildReport([
      { model, label: 'a' },
      { model, label: 'b' },
    ]);
    expect(/<table class="metrics overview">[\s\S]*?<\/table>/.exec(overview)![0]).toContain(f(t.model.auroc, iv.model.auroc));
  });

  it('flags a figure the scoring marked as resting on few events, beside its panel', () => {
    const m = structuredClone(model);
    m.metrics.test.smallSample = { minEvents: 30, flagged: [{ figure: 'trialToTrialAuroc', events: 12 }] };
    const svg = figure(buildReport([{ model: m }]), 'model-1-score-intervals');
    const panel = scorePanel(svg, 'trial-to-trial AUROC');
    expect(panel).toContain('few events (12)');
    expect(svg).toContain('Marked “few events”: trial-to-trial AUROC');
  });

  it('puts a control beside the model: from a control model, or from the comparison the model carries', () => {
    const control = structuredClone(model);
    control.metrics.test.model.auroc = 0.6;
    control.metrics.test.intervals!.model.auroc = [0.55, 0.65];
    const withModel = figure(buildReport([{ model, control: { model: control, label: 'shuffled control' } }]), 'model-1-score-intervals');
    const [c] = bars(withModel, 'shuffled control interval');
    expect([c.low, c.high]).toEqual([0.55, 0.65]);
    const carried = structuredClone(model) as ReducedModel;
    const iv3 = (estimate: number, low: number, high: number) => ({ estimate, low, high });
    carried.control = {
      control: { kind: 'random-weights' },
      gains: {
        system: { bitsPerEvent: iv3(1, 0.8, 1.2), stratifiedAuroc: iv3(0.3, 0.25, 0.35) },
        control: { bitsPerEvent: iv3(0.1, -0.05, 0.3), stratifiedAuroc: iv3(0.02, -0.01, 0.05) },
      },
      selectivity: { bitsPerEvent: iv3(0.9, 0.6, 1.1), stratifiedAuroc: iv3(0.28, 0.2, 0.33) },
      controlShare: { bitsPerEvent: 0.1, stratifiedAuroc: 0.07 },
      warning: null,
      eventRate: { system: 0.1, control: 0.1 },
      bootstrap: { trials: 30, resamples: 200, seed: 1, level: 0.95 },
    };
    const svg = figure(buildReport([{ model: carried, selectivity: { ...carried.control.selectivity, level: 0.95 } }]), 'model-1-score-intervals');
    const gain = scorePanel(svg, 'gain over the PSTH (bits/event)');
    expect(bars(gain, 'random-weights control interval').map((b) => [b.low, b.high])).toEqual([[-0.05, 0.3]]);
    const strat = scorePanel(svg, 'time-stratified AUROC');
    const [s] = bars(strat, 'random-weights control interval');
    expect(s.low).toBeCloseTo(0.49, 12);
    expect(s.high).toBeCloseTo(0.55, 12);
    const sel = scorePanel(svg, 'selectivity: trained − control gain (bits/event)');
    expect(bars(sel, 'trained − control interval').map((b) => [b.low, b.high])).toEqual([[0.6, 1.1]]);
  });

  it('draws no interval figure for a model file written before intervals, which still reports', () => {
    const old = structuredClone(model);
    delete (old.metrics.test as { intervals?: unknown }).intervals;
    delete (old.metrics.test as { smallSample?: unknown }).smallSample;
    delete (old.metrics.coincidence as { interval?: unknown }).interval;
    const page = buildReport([{ model: old }]);
    expect(page).not.toContain('model-1-score-intervals');
    expect(page).toContain(`<strong>${formatNumber(old.metrics.coincidence!.gamma)}</strong>`);
    expect(page).not.toMatch(/class="metrics">[\s\S]*\d \[\d/);
  });
});

describe('search, comparison and dynamics intervals', () => {
  it("draws each candidate's interval as an error bar on the Pareto plot and prints it in the table", () => {
    const front = ParetoFrontSchema.parse(searchWithIntervals);
    const page = buildReport([], { search: [front] });
    const svg = figure(page, 'search-1-pareto-front');
    const y = axisScale(svg, 'y');
    const drawn = [...bars(svg, 'front intervals'), ...bars(svg, 'candidate intervals')];
    const expected = front.candidates.filter((c) => c.interval);
    expect(drawn).toHaveLength(expected.length);
    for (const c of expected) {
      const b = drawn.find((d) => d.low === c.interval![0] && d.high === c.interval![1])!;
      expect(b).toBeTruthy();
      expect(b.y0).toBeCloseTo(y(c.interval![0]), 0);
      expect(b.y1).toBeCloseTo(y(c.interval![1]), 0);
    }
    const chosen = front.candidates.find((c) => c.chosen)!;
    expect(page).toContain(`${formatNumber(chosen.metric)} [${formatNumber(chosen.interval![0])}, ${formatNumber(chosen.interval![1])}]`);
    expect(svg).toContain('95 % interval');
    // Old fronts: no bars, no interval wording.
    const old = buildReport([], { search: [ParetoFrontSchema.parse(search)] });
    expect(old).not.toContain('class="intervals"');
    expect(old).not.toContain('95 % interval');
    expect(() => ParetoFrontSchema.parse({ ...search, candidates: [{ ...search.candidates[0], interval: [0.9, 0.1] }] })).toThrow(/low must not exceed high/);
  });

  it("reads each candidate's interval of the ranking figure from occam's search output, as written", () => {
    const none = {
      auroc: null,
      stratifiedAuroc: null,
      trialToTrialAuroc: null,
      logLikPerBin: null,
      pseudoR2: null,
      accuracy: null,
      bitsPerEventOverPsth: null,
    };
    const candidate = (key: string, parameters: number, gain: number, intervals?: Record<string, unknown>) => ({
      key,
      levels: { history: parameters > 5 ? 1 : 0 },
      spec: SpecSchema.parse(spec),
      parameters,
      familiesUsed: 1,
      metrics: { auroc: 0.9, psthAuroc: 0.8, llGainOverPsth: gain, trialToTrialAuroc: 0.7, pseudoR2: 0.3 },
      foundBy: ['forward'],
      ...(intervals === undefined ? {} : { intervals: { ...none, ...intervals } }),
    });
    const core = {
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
      families: [{ name: 'history', levels: ['off', 'on'] }],
      candidates: [
        candidate('a', 5, 0.2, { auroc: [0.88, 0.92], bitsPerEventOverPsth: [0.1, 0.3], trialToTrialAuroc: null }),
        candidate('b', 9, 0.8, { bitsPerEventOverPsth: null }),
        candidate('c', 12, 0.81),
      ],
      paretoFront: ['a', 'b', 'c'],
      best: 'c',
      minimal: 'b',
      ablations: [],
      paths: { forward: ['a', 'b', 'c'] },
      candidateIntervals: { method: 'percentile bootstrap over trials', level: 0.9, resamples: 200, seed: 1 },
    };
    const read = parseResult(JSON.parse(JSON.stringify(core)), 'search.json');
    expect(read.kind).toBe('search');
    const front = (read as { result: ReturnType<typeof paretoFromSearch> }).result;
    expect(front.candidates.map((c) => c.interval)).toEqual([[0.1, 0.3], null, undefined]);
    expect(front.intervalLevel).toBe(0.9);
    expect(paretoFromSearch(core as unknown as SearchResult).candidates[0].interval).toEqual([0.1, 0.3]);
    const bad = structuredClone(core);
    (bad.candidates[1] as { intervals?: unknown }).intervals = { ...none, bitsPerEventOverPsth: [0.1] };
    expect(() => parseResult(bad, 'bad-search.json')).toThrow(/bad-search\.json: [\s\S]*candidates\.1\.intervals\.bitsPerEventOverPsth/);
  });

  it("puts each matrix cell's interval in its hover text and, where it fits, under its value", () => {
    const m = ComparisonMatrixSchema.parse(universalityWithIntervals);
    const svg = figure(buildReport([], { matrices: [m] }), 'comparisons-universality-trial-to-trial-auroc');
    const titles = [...svg.matchAll(/<rect [^>]*><title>([^<]+)<\/title><\/rect>/g)].map((x) => x[1]);
    expect(titles[1]).toBe(
      `fitted on cell 1, evaluated on cell 2: ${formatNumber(0.87)} [${formatNumber(0.87 - 0.04)}, ${formatNumber(0.87 + 0.02)}] (95 % interval)`,
    );
    expect(titles[12]).toBe('fitted on cell 4, evaluated on cell 1: 0.800');
    const printed = [...svg.matchAll(/<text class="cell-interval"[^>]*>([^<]+)<\/text>/g)].map((x) => x[1]);
    expect(printed).toHaveLength(15);
    expect(printed[0]).toBe(`[${formatNumber(0.9 - 0.03)}, ${formatNumber(0.9 + 0.02)}]`);
    expect(svg).toContain('In brackets under a value, where the cell has room');
    const crowded = ComparisonMatrixSchema.parse({
      ...universalityWithIntervals,
      rows: { title: 'r', labels: Array.from({ length: 12 }, (_, i) => `s${i}`) },
      columns: { title: 'c', labels: Array.from({ length: 12 }, (_, i) => `s${i}`) },
      values: Array.from({ length: 12 }, () => Array.from({ length: 12 }, () => 0.8)),
      intervals: Array.from({ length: 12 }, () => Array.from({ length: 12 }, () => [0.7512, 0.8534])),
    });
    const small = figure(buildReport([], { matrices: [crowded] }), 'comparisons-universality-trial-to-trial-auroc');
    expect(small).not.toContain('cell-interval');
    expect(small).toContain('[0.751, 0.853] (95 % interval)');
    expect(() => ComparisonMatrixSchema.parse({ ...universalityWithIntervals, intervals: [[[0.1, 0.2]]] })).toThrow(/intervals/);
  });

  it("carries occam's comparison intervals onto its matrices, in the clustering order, stratified and filter similarity included", () => {
    const view = CompareResultViewSchema.parse({
      format: 'occam.compare',
      version: 1,
      kind: 'systems',
      names: ['v1', 'v5'],
      order: ['v5', 'v1'],
      crossPrediction: {
        auroc: [
          [0.99, 0.98],
          [0.97, 0.995],
        ],
        relativeToOwn: [
          [0, -0.015],
          [-0.02, 0],
        ],
        trialToTrialAuroc: [
          [0.9, 0.8],
          [0.85, 0.92],
        ],
        stratifiedAuroc: [
          [0.91, 0.81],
          [0.84, 0.93],
        ],
        intervals: {
          level: 0.95,
          resamples: 200,
          seed: 1,
          auroc: [
            [
              [0.98, 0.995],
              [0.97, 0.985],
            ],
            [[0.96, 0.98], null],
          ],
          stratifiedAuroc: [
            [
              [0.9, 0.92],
              [0.8, 0.82],
            ],
            [
              [0.83, 0.85],
              [0.92, 0.94],
            ],
          ],
        },
      },
      filterSimilarity: [
        {
          group: 'E',
          filter: 'full',
          matrix: [
            [1, 0.7],
            [0.7, 1],
          ],
          intervals: [
            [null, [0.6, 0.8]],
            [[0.6, 0.8], null],
          ],
        },
      ],
    });
    const ms = matricesFromCompare(view);
    const auroc = ms.find((m) => m.metric === 'held-out AUROC')!;
    expect(auroc.values).toEqual([
      [0.995, 0.97],
      [0.98, 0.99],
    ]);
    expect(auroc.intervals).toEqual([
      [null, [0.96, 0.98]],
      [
        [0.97, 0.985],
        [0.98, 0.995],
      ],
    ]);
    expect(ms.find((m) => m.metric === 'stratified AUROC')!.intervals![0][0]).toEqual([0.92, 0.94]);
    expect(ms.find((m) => m.metric === 'trial-to-trial AUROC')!.intervals).toBeUndefined();
    expect(ms.find((m) => m.metric === 'cosine similarity')!.intervals![0][1]).toEqual([0.6, 0.8]);
  });

  it('shows each compared system beside its control: selectivity with its interval and which side of 0 it lies', () => {
    const iv3 = (estimate: number, low: number, high: number) => ({ estimate, low, high });
    const control = {
      control: { kind: 'random-weights' },
      gains: {
        system: { bitsPerEvent: iv3(1, 0.8, 1.2), stratifiedAuroc: iv3(0.3, 0.25, 0.35) },
        control: { bitsPerEvent: iv3(0.6, 0.2, 0.9), stratifiedAuroc: iv3(0.02, -0.01, 0.05) },
      },
      selectivity: { bitsPerEvent: iv3(0.4, -0.1, 0.9), stratifiedAuroc: iv3(0.28, 0.2, 0.33) },
      controlShare: { bitsPerEvent: 0.6, stratifiedAuroc: 0.07 },
      warning:
        'the random-weights control reaches 60 % of the gain in bits/event: these atoms predict the behaviour whatever the weights — they probably read the answer',
      eventRate: { system: 0.1, control: 0.1 },
      bootstrap: { trials: 30, resamples: 200, seed: 1, level: 0.95 },
    };
    const json = {
      format: 'occam.compare',
      version: 1,
      kind: 'conditions',
      names: ['P7', 'P10'],
      crossPrediction: {
        auroc: [
          [0.9, 0.6],
          [0.55, 0.92],
        ],
        relativeToOwn: [
          [0, -0.32],
          [-0.35, 0],
        ],
        trialToTrialAuroc: [
          [0.8, 0.5],
          [0.5, 0.85],
        ],
      },
      filterSimilarity: [],
      controls: [{ name: 'P7', control }],
    };
    const read = parseResult(json, 'transfer.json');
    if (read.kind !== 'matrices') throw new Error('not matrices');
    expect(read.controls).toHaveLength(1);
    const page = buildReport([], { matrices: read.result, systemControls: read.controls });
    const table = /<table class="metrics control">[\s\S]*?<\/table>/.exec(page)![0];
    expect(table).toContain('0.400 [−0.100, 0.900]<span class="hint">includes 0</span>');
    expect(table).toContain('0.280 [0.200, 0.330]<span class="hint">above 0</span>');
    expect(table).toContain('60 %');
    expect(table).toContain('they probably read the answer');
    expect(buildReport([], { matrices: read.result })).not.toContain('class="metrics control"');
  });

  it('shades the dynamics metric over checkpoints and draws selectivity and the control gain with their bands', () => {
    const d = DynamicsResultSchema.parse(dynamicsWithIntervals);
    const page = buildReport([], { dynamics: [d] });
    const svg = figure(page, 'dynamics-1-metric');
    const y = axisScale(svg, 'y');
    const { upper, lower, pieces } = bandEdges(svg, 'metric band');
    // One checkpoint has no interval: the band has a gap there, in two pieces.
    const withInterval = d.points.filter((p) => p.metricIntervals?.trialToTrialAuroc);
    expect(upper).toHaveLength(withInterval.length);
    upper.forEach(([, py], i) => expect(py).toBeCloseTo(y(withInterval[i].metricIntervals!.trialToTrialAuroc![1]), 0));
    expect(pieces).toBe(2);
    expect(lower).toHaveLength(withInterval.length);
    expect(svg).toContain(`[${formatNumber(withInterval[0].metricIntervals!.trialToTrialAuroc![0])}, `);
    const sel = figure(page, 'dynamics-1-selectivity-bits');
    const ys = axisScale(sel, 'y');
    const s = bandEdges(sel, 'selectivity (trained − control) band');
    s.upper.forEach(([, py], i) => expect(py).toBeCloseTo(ys(d.points[i].selectivity!.bitsPerEvent.high!), 0));
    expect(sel).toContain('data-series="control’s own gain band"');
    expect(page).toContain('dynamics-1-selectivity-stratified');
    const old = buildReport([], { dynamics: [DynamicsResultSchema.parse(dynamics)] });
    expect(old).not.toContain('class="band"');
    expect(old).not.toContain('selectivity-bits');
  });

  it('is deterministic with every interval drawn', () => {
    const make = () =>
      buildReport([{ model: banded, label: 'banded' }], {
        search: [ParetoFrontSchema.parse(searchWithIntervals)],
        matrices: [ComparisonMatrixSchema.parse(universalityWithIntervals), ComparisonMatrixSchema.parse(universality)],
        dynamics: [DynamicsResultSchema.parse(dynamicsWithIntervals)],
      });
    expect(make()).toBe(make());
  });
});
