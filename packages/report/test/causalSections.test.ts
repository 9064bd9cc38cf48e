import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BoundResultSchema, OccamError, type BoundResult } from '@occam/core';
import { buildReport, DynamicsResultSchema, parseResult, type InterventionView } from '@occam/report';
// The transformer's own schema, read from its source file (the report itself does not depend on @occam/transformer).
import { LmInterventionResultSchema } from '../../transformer/src/intervention/resultSchema.js';
import { formatMetric } from '../src/page/metricValue.js';
import { dynamics, fittedNeuron } from './fixtures.js';

/**
 * Fixtures are real outputs, copied: `occam intervene` on the bundled V1 cell (results/interventions/v1-C2.json) and
 * on the copy model (results/lm/copy-interventions.json), and `occam bound` on the V1 cell (a fit of
 * examples/published-neuron.spec.json, rich GLM only).
 */
const readJson = (name: string): unknown => JSON.parse(readFileSync(fileURLToPath(new URL(`./data/${name}`, import.meta.url)), 'utf8'));
const neuronJson = readJson('v1-C2.interventions.json') as Record<string, unknown>;
const lmJson = readJson('copy.lm-interventions.json') as Record<string, unknown>;
const boundJson = readJson('v1-C2.bound.json') as Record<string, unknown>;

function interventionView(json: unknown, file: string): InterventionView {
  const r = parseResult(json, file);
  if (r.kind !== 'intervention') throw new Error(`expected an intervention result, got ${r.kind}`);
  return r.result;
}

/** One figure's SVG out of the page, by its id. */
function figure(html: string, id: string): string {
  const m = new RegExp(`<figure[^>]*id="${id}"[\\s\\S]*?</figure>`).exec(html);
  if (!m) throw new Error(`no figure ${id}`);
  return m[0];
}

/** The axis's data → pixel map, read back from two of its labelled ticks. */
function axisMap(svg: string, axis: 'x' | 'y'): (v: number) => number {
  const g = new RegExp(`<g class="axis axis-${axis}">([\\s\\S]*?)</g>`).exec(svg)![1];
  const ticks = [...g.matchAll(/<text x="([-\d.]+)" y="([-\d.]+)"[^>]*>([^<]+)<\/text>/g)]
    // A y tick's label sits 4 px below its tick (to centre the text on it).
    .map((m) => ({ px: axis === 'x' ? Number(m[1]) : Number(m[2]) - 4, v: Number(m[3].replace('−', '-')) }))
    .filter((t) => Number.isFinite(t.v));
  const [a, b] = [ticks[0], ticks[ticks.length - 1]];
  return (v: number) => a.px + ((v - a.v) / (b.v - a.v)) * (b.px - a.px);
}

const circles = (svg: string) =>
  [...svg.matchAll(/<circle cx="([-\d.]+)" cy="([-\d.]+)"[^>]*data-name="([^"]+)" data-miss="(true|false)"/g)].map((m) => ({
    cx: Number(m[1]),
    cy: Number(m[2]),
    name: m[3].replace(/&#39;/g, "'"),
    miss: m[4] === 'true',
  }));

/** Error bars of a series: their intervals as given and the pixel ends of their main stroke. */
function bars(svg: string, series: string): { low: number; high: number; a: number; b: number; at: number }[] {
  const g = new RegExp(`<g class="intervals" data-series="${series}"[^>]*>([\\s\\S]*?)</g>`).exec(svg);
  if (!g) return [];
  return [...g[1].matchAll(/data-low="([^"]+)" data-high="([^"]+)" d="M([-\d.]+) ([-\d.]+)([VH])([-\d.]+)/g)].map((m) =>
    m[5] === 'V'
      ? { low: Number(m[1]), high: Number(m[2]), at: Number(m[3]), a: Number(m[4]), b: Number(m[6]) }
      : { low: Number(m[1]), high: Number(m[2]), at: Number(m[4]), a: Number(m[3]), b: Number(m[6]) },
  );
}

describe('intervention results in the report', () => {
  it('reads both systems’ real files, and says which field is wrong for an unknown system', () => {
    expect(LmInterventionResultSchema.safeParse(lmJson).success).toBe(true); // the fixture is the transformer's real format
    const neuron = interventionView(neuronJson, 'v1-C2.json');
    const lm = interventionView(lmJson, 'copy-interventions.json');
    expect([neuron.system, neuron.observedName, neuron.timeCourses.length]).toEqual(['neuron', 'simulated', 4]);
    expect([lm.system, lm.observedName, lm.timeCourses.length]).toEqual(['language-model', 'actual', 0]);
    expect(() => parseResult({ ...neuronJson, system: 'robot' }, 'x.json')).toThrow(OccamError);
    expect(() => parseResult({ ...neuronJson, system: 'robot' }, 'x.json')).toThrow(/x\.json: "system" is "robot", expected "neuron" or "language-model"/);
    expect(() => parseResult({ ...lmJson, interventions: [{ name: 'a' }] }, 'y.json')).toThrow(/y\.json/);
  });

  for (const [label, json] of [
    ['neuron', neuronJson],
    ['language model', lmJson],
  ] as const) {
    it(`${label}: each intervention is a dot at (predicted, observed) with both intervals as bars, misses named`, () => {
      const view = interventionView(json, `${label}.json`);
      const html = buildReport([], { interventions: [view] });
      const svg = figure(html, 'interventions-1-scatter');
      const x = axisMap(svg, 'x');
      const y = axisMap(svg, 'y');
      const dots = circles(svg);
      expect(dots.map((d) => d.name)).toEqual(view.points.map((p) => p.name));
      view.points.forEach((p, i) => {
        expect(dots[i].cx).toBeCloseTo(x(p.predicted.estimate!), 0);
        expect(dots[i].cy).toBeCloseTo(y(p.observed!.estimate!), 0);
        expect(dots[i].miss).toBe(p.miss);
      });
      const series = (kind: string) => [
        ...bars(svg, `${view.observedName} change interval, ${kind}`),
        ...bars(svg, `${view.observedName} change interval, missed`),
      ];
      const vertical = series('predicted');
      const horizontal = [...bars(svg, 'predicted change interval, predicted'), ...bars(svg, 'predicted change interval, missed')];
      for (const p of view.points) {
        const v = vertical.find((b) => b.low === p.observed!.low && b.high === p.observed!.high)!;
        expect(v.at).toBeCloseTo(x(p.predicted.estimate!), 0);
        expect([v.a, v.b]).toEqual([expect.closeTo(y(p.observed!.low!), 0), expect.closeTo(y(p.observed!.high!), 0)]);
        const h = horizontal.find((b) => b.low === p.predicted.low && b.high === p.predicted.high)!;
        expect(h.at).toBeCloseTo(y(p.observed!.estimate!), 0);
        expect([h.a, h.b]).toEqual([expect.closeTo(x(p.predicted.low!), 0), expect.closeTo(x(p.predicted.high!), 0)]);
      }
      const misses = view.points.filter((p) => p.miss).map((p) => p.name);
      expect(misses.length).toBeGreaterThan(0);
      expect([...svg.matchAll(/<g class="miss-label" data-name="([^"]+)"/g)].map((m) => m[1]).sort()).toEqual([...misses].sort());
      for (const m of misses) expect(svg).toContain(`>${m} (miss)</text>`);
      // The slope through the origin, its interval in the legend as the page formats intervals.
      expect(svg).toContain(`slope through 0: ${formatMetric(view.slope)}`);
      // The table has every intervention's line, the misses marked.
      const table = /<table class="metrics interventions">[\s\S]*?<\/table>/.exec(html)![0];
      for (const p of view.points) expect(table).toContain(p.line.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
      expect((table.match(/<tr class="miss">/g) ?? []).length).toBe(misses.length);
    });
  }

  it('neuron: one time-course panel per intervention, predicted and simulated arms, the miss in red', () => {
    const view = interventionView(neuronJson, 'v1-C2.json');
    const html = buildReport([], { interventions: [view] });
    const svg = figure(html, 'interventions-1-time-courses');
    const panels = [...svg.matchAll(/<g class="panel time-course-panel" data-name="([^"]+)" data-miss="(true|false)">/g)];
    expect(panels.map((p) => p[1])).toEqual(view.timeCourses.map((c) => c.name));
    for (const c of view.timeCourses) {
      for (const arm of ['predicted, original', 'predicted, intervened', 'simulated, original', 'simulated, intervened'])
        expect(svg).toMatch(new RegExp(`data-series="${c.name}: ${arm}" data-points="${c.time.length}"`));
    }
    const missed = view.timeCourses.filter((c) => c.miss).map((c) => c.name);
    for (const m of missed) expect(svg).toMatch(new RegExp(`fill="#b2182b" font-weight="bold">${m} \\(miss\\)</text>`));
    // The language model has no time course per arm: no such figure.
    expect(buildReport([], { interventions: [interventionView(lmJson, 'lm.json')] })).not.toContain('time-courses');
  });
});

describe('bound results in the report', () => {
  const result = BoundResultSchema.parse(boundJson);
  // A TCN beside the rich GLM, as `occam bound --tcn` writes it: here the rich GLM's figures shifted, so that the
  // fourth column is drawn and told apart.
  const withTcn: BoundResult = structuredClone(result);
  const shift = (f: BoundResult['psth']) =>
    Object.fromEntries(
      Object.entries(f).map(([k, v]) => [k, { estimate: v.estimate === null ? null : v.estimate * 1.01, low: v.low, high: v.high }]),
    ) as BoundResult['psth'];
  withTcn.predictors.tcn = shift(result.predictors.richGlm);

  it('is read by its format', () => {
    const r = parseResult(boundJson, 'bound.json');
    expect(r.kind).toBe('bound');
    expect(() => parseResult({ ...boundJson, psth: {} }, 'bad.json')).toThrow(/bad\.json/);
  });

  it('draws PSTH, reduced, rich GLM and TCN side by side per measure, each bar over its interval', () => {
    const html = buildReport([], { bounds: [withTcn] });
    const svg = figure(html, 'bound-1-scores');
    const measures = [
      ['log-likelihood gain over the PSTH (bits/event)', 'bitsPerEventOverPsth'],
      ['time-stratified AUROC', 'stratifiedAuroc'],
      ['trial-to-trial AUROC', 'trialToTrialAuroc'],
    ] as const;
    const columns = [
      ['PSTH', withTcn.psth],
      ['reduced', withTcn.predictors.reduced],
      ['rich GLM', withTcn.predictors.richGlm],
      ['TCN', withTcn.predictors.tcn],
    ] as const;
    for (const [name, key] of measures) {
      const panel = new RegExp(`<g class="panel score-panel" data-measure="${name.replace(/[()]/g, '\\$&')}">([\\s\\S]*?)</g></g>`).exec(svg)![1];
      const y = axisMap(panel, 'y');
      const dots = [...panel.matchAll(/<circle cx="([-\d.]+)" cy="([-\d.]+)"[^>]*><title>([^<]+)<\/title>/g)];
      const drawn = columns.filter(([, f]) => f[key].estimate !== null);
      expect(dots.map((d) => d[3].split(',')[0])).toEqual(drawn.map(([who]) => who));
      drawn.forEach(([who, f], i) => {
        expect(Number(dots[i][2])).toBeCloseTo(y(f[key].estimate!), 0);
        if (i > 0) expect(Number(dots[i][1])).toBeGreaterThan(Number(dots[i - 1][1])); // left to right in this order
        const b = bars(panel, `${who} interval`);
        if (f[key].low === null) expect(b).toEqual([]);
        else {
          expect(b[0]).toMatchObject({ low: f[key].low, high: f[key].high });
          expect(b[0].a).toBeCloseTo(y(f[key].low!), 0);
          expect(b[0].b).toBeCloseTo(y(f[key].high!), 0);
        }
      });
    }
  });

  it('tables each reference’s captured fraction with its interval, or the reason it is null', () => {
    const html = buildReport([], { bounds: [result] });
    const table = /<table class="metrics bound">[\s\S]*?<\/table>/.exec(html)![0];
    for (const r of result.references)
      for (const f of [r.logLikGain, r.stratifiedAurocGain]) {
        if (f.estimate === null) expect(table).toContain(f.reason!.replace(/'/g, '&#39;'));
        else expect(table).toContain(formatMetric(f, 3));
      }
    // A reference with no gain to capture: the fraction is null and the table says why.
    const none = structuredClone(result);
    const reason = "the richGlm's log-likelihood gain over the PSTH is -0.100 ≤ 0: it predicts no better than the PSTH, so there is no gain to capture";
    Object.assign(none.references[0].logLikGain, { estimate: null, low: null, high: null, reason });
    const noneTable = /<table class="metrics bound">[\s\S]*?<\/table>/.exec(buildReport([], { bounds: [none] }))![0];
    expect(noneTable).toContain(`<td class="null-fraction">— <span class="hint">${reason.replace(/'/g, '&#39;')}</span></td>`);
  });
});

describe('old inputs beside the new ones', () => {
  it('a model and a dynamics result still render, with the bound and intervention sections after them', () => {
    const { model } = fittedNeuron();
    const plain = buildReport([{ model, label: 'cell' }], { dynamics: [DynamicsResultSchema.parse(dynamics)] });
    const html = buildReport([{ model, label: 'cell' }], {
      dynamics: [DynamicsResultSchema.parse(dynamics)],
      bounds: [BoundResultSchema.parse(boundJson)],
      interventions: [interventionView(neuronJson, 'n.json'), interventionView(lmJson, 'l.json')],
    });
    // Everything the old page had is still there, in the same order, before the new sections.
    const cut = html.indexOf('<section class="bound"');
    expect(cut).toBeGreaterThan(0);
    const strip = (s: string) => s.replace(/<nav class="toc">[\s\S]*?<\/nav>/, '');
    expect(strip(html).slice(0, strip(html).indexOf('<section class="bound"'))).toBe(strip(plain).slice(0, strip(plain).indexOf('</main>')).trimEnd() + '\n');
    expect(html.indexOf('<section class="interventions" id="interventions-1"')).toBeGreaterThan(cut);
    expect(html).toContain('id="interventions-2"');
    expect(buildReport([{ model, label: 'cell' }], { bounds: [BoundResultSchema.parse(boundJson)] })).toBe(
      buildReport([{ model, label: 'cell' }], { bounds: [BoundResultSchema.parse(boundJson)] }),
    ); // deterministic
  });
});
