import { describe, expect, it } from 'vitest';
import { checkReducedModel, type ReducedModel } from '@occam/core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildReport, parseResult } from '@occam/report';
import { thinIndices, thinLine } from '../src/figures/thinForFigure.js';
import { fittedNeuron } from './fixtures.js';

const { model } = fittedNeuron();

/** The fitted fixture model with a history filter of n points and group 0's full filter widened to `lags` lags. */
function withLongFilters(n: number, lags: number): ReducedModel {
  const m = structuredClone(model);
  m.filters.history = { x: Array.from({ length: n }, (_, i) => i + 1), y: Array.from({ length: n }, (_, i) => (i === 12_345 ? -9 : -Math.exp(-i / 1000))) };
  const g = m.filters.groups[0];
  g.full = {
    x: g.full.x,
    lag: Array.from({ length: lags }, (_, l) => l),
    z: g.full.x.map((_, r) => Array.from({ length: lags }, (__, l) => Math.sin(((r + 1) * l) / 500))),
  };
  return m;
}

describe('figure sizes', () => {
  it('a model with a 90 000-point history and a 20 000-lag full filter still gives a report of a normal size', () => {
    const m = withLongFilters(90_000, 20_000);
    expect(() => checkReducedModel(m, 'long.json')).not.toThrow(); // under the 100 000-point limit: drawn, thinned
    const html = buildReport([{ model: m, label: 'long' }]);
    const plain = buildReport([{ model, label: 'long' }]);
    expect(html.length - plain.length).toBeLessThan(400_000);
    expect(html).toMatch(new RegExp(`Full filter: ${m.filters.groups[0].label.replace(/[()=]/g, '.')} \\(\\d+ of \\d+ values × 200 of 20000 lags shown\\)`));
  });
  it("a 90 000-point history with its band stays a normal size, and the thinned band keeps the data's extremes", () => {
    const m = withLongFilters(90_000, 20);
    const h = m.filters.history!;
    const band = { low: h.y.map((v) => v - 0.5), high: h.y.map((v, i) => (i === 54_321 ? 40 : v + 0.5)) };
    Object.assign(h, { band });
    const html = buildReport([{ model: m, label: 'long' }]);
    const plain = buildReport([{ model: withLongFilters(90_000, 20), label: 'long' }]);
    expect(html.length - plain.length).toBeLessThan(120_000);
    const path = /<path class="band" data-series="history \(own output\) band" data-points="(\d+)"/.exec(html);
    expect(Number(path![1])).toBeLessThanOrEqual(2000);
    // The one-sample spike of the upper edge survives thinning: the y axis reaches up to hold it.
    const history = /id="model-1-history-filter"[\s\S]*?<\/figure>/.exec(html)![0];
    const labels = [...history.matchAll(/<g class="axis axis-y">([\s\S]*?)<\/g>/g)][0][1];
    const top = Math.max(...[...labels.matchAll(/>([−\d.]+)<\/text>/g)].map((x) => Number(x[1].replace('−', '-'))));
    expect(top).toBeGreaterThanOrEqual(30);
  });
  it('a model over the sample limit is refused when read, naming the file', () => {
    const m = withLongFilters(5_000_000, 10);
    expect(() => parseResult(JSON.parse(JSON.stringify(m)), 'huge.model.json')).toThrow(
      /huge\.model\.json: filters\.history has 5000000 sample points, over the 100000 limit on points per filter curve \(set OCCAM_MAX_FILTER_SAMPLES to raise it\)/,
    );
  });
  it('an intervention result with 200 interventions of 20 000-bin time courses stays a normal size', () => {
    // The real V1 result (4 interventions, 200 bins), its first intervention repeated with a long time course.
    const real = JSON.parse(readFileSync(fileURLToPath(new URL('./data/v1-C2.interventions.json', import.meta.url)), 'utf8'));
    const n = 20_000;
    const wave = (k: number) => Array.from({ length: n }, (_, i) => Math.abs(Math.sin((i + k) / 37)) * 0.1);
    const one = real.interventions[0];
    const big = {
      ...real,
      interventions: Array.from({ length: 200 }, (_, k) => ({
        ...one,
        name: `intervention ${k}`,
        timeCourse: {
          time: Array.from({ length: n }, (_, i) => i),
          predictedOriginal: wave(0),
          predictedIntervened: wave(k),
          simulatedOriginal: wave(1),
          simulatedIntervened: wave(k + 1),
        },
      })),
    };
    const r = parseResult(big, 'big.json');
    if (r.kind !== 'intervention') throw new Error('not an intervention result');
    const html = buildReport([], { interventions: [r.result] });
    expect(html.length).toBeLessThan(500_000);
    const courses = /id="interventions-1-time-courses"[\s\S]*?<\/figure>/.exec(html)![0];
    expect(courses.match(/class="panel time-course-panel"/g)!.length).toBe(18);
    expect(courses).toContain('The first 18 of 200 interventions are drawn');
    for (const m of courses.matchAll(/data-points="(\d+)"/g)) expect(Number(m[1])).toBeLessThanOrEqual(200);
  });
  it("thinning keeps each bucket's extremes, in order, and the ends of an index range", () => {
    const xs = Array.from({ length: 100_000 }, (_, i) => i);
    const ys = xs.map((i) => (i === 54_321 ? 7 : i === 1_234 ? -7 : 0));
    const t = thinLine(xs, ys, 1000);
    expect(t.x.length).toBeLessThanOrEqual(1000);
    expect(t.x).toContain(54_321);
    expect(t.x).toContain(1_234);
    expect(t.x.every((v, i) => i === 0 || v > t.x[i - 1])).toBe(true);
    expect(thinLine([1, 2, 3], [4, 5, 6])).toEqual({ x: [1, 2, 3], y: [4, 5, 6] });
    expect(thinIndices(1001, 11)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });
});
