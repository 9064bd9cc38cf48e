import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildDesign,
  buildLayout,
  coefficientIndex,
  designColumnCount,
  familyOps,
  filterBands,
  fitReducedModel,
  historyColumn,
  historyColumns,
  inputColumn,
  inputColumnCount,
  inputColumns,
  neuronLikeAtoms,
  parameterCount,
  plantedDataset,
  readReducedModel,
  separableBeta,
  separableHessian,
  separableParameterIndex,
  SpecSchema,
  writeReducedModel,
  type SpecInput,
} from '@occam/core';
import { evaluateObjective } from '../src/glm/objective.js';

const spec: SpecInput = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 275, offset: 50 } },
  temporal: { minLag: 1, maxLag: 12, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 1, lastPeak: 8, offset: 2 } },
  history: { maxLag: 8, basis: { kind: 'raisedCosineLog', count: 2, firstPeak: 1, lastPeak: 4, offset: 1 } },
  structure: 'separable',
  regularization: { ridge: 0.5, smoothness: 0 },
  validation: { kind: 'split', testFraction: 0.3, seed: 5 },
};
const truth = {
  intercept: -3.5,
  spatial: [
    [1, 0.5, 0.2],
    [0.6, 1, 0.5],
  ],
  temporal: [
    [0.3, 0.6, 0.3, 0.1],
    [-0.2, -0.4, -0.2, -0.1],
  ],
  history: [-3, -1],
};

function planted(seed: number, nTrials = 300) {
  return plantedDataset({
    nTrials,
    nBins: 60,
    seed,
    spec,
    truth,
    atoms: neuronLikeAtoms(6),
    backgroundRate: 0.1,
    stimulusBin: 25,
    evokedRate: 0.6,
    scoredWindow: [15, 55],
  });
}

describe('the layout names its columns', () => {
  it('inputs run group → spatial → temporal, history after them, and the counts agree with the layout', () => {
    const layout = buildLayout(SpecSchema.parse(spec), neuronLikeAtoms(6));
    const { G, K, J, H } = layout;
    const order: number[] = [];
    for (let g = 0; g < G; g++) for (let k = 0; k < K; k++) for (let j = 0; j < J; j++) order.push(inputColumn(layout, g, k, j));
    for (let h = 0; h < H; h++) order.push(historyColumn(layout, h));
    expect(order).toEqual(Array.from({ length: layout.p }, (_, i) => i));
    expect(designColumnCount(layout)).toBe(layout.p);
    expect(inputColumnCount(layout)).toBe(G * K * J);
    expect(inputColumns(layout)).toEqual([0, G * K * J]);
    expect(inputColumns(layout, 1)).toEqual([K * J, (G - 1) * K * J]);
    expect(historyColumns(layout)).toEqual([G * K * J, H]);
    expect(coefficientIndex(historyColumn(layout, 0))).toBe(1 + G * K * J);
    expect(parameterCount(layout, 'full')).toBe(1 + G * K * J + H);
    expect(parameterCount(layout, 'separable')).toBe(1 + G * (K + J) + H);
  });
});

describe('the separable Hessian', () => {
  it('is the derivative of the penalised objective’s gradient in (intercept, spatial, temporal, history), cross term included', () => {
    const { dataset } = planted(1, 80);
    const parsed = SpecSchema.parse(spec);
    const layout = buildLayout(parsed, dataset.manifest.atoms);
    const design = buildDesign(dataset, layout);
    const data = { X: design.X, n: design.n, p: design.p, y: design.y.map((v) => (v > 0 ? 1 : 0)) };
    const at = separableParameterIndex(layout);
    const fam = familyOps('bernoulli');
    const ridge = parsed.regularization.ridge;
    // Away from any optimum, so the bilinear cross term (the nll's gradient) is far from zero.
    const theta = Float64Array.from({ length: at.count }, (_, i) => (i === 0 ? -3 : 0.3 * Math.sin(1.7 * i + 0.4)));
    const unpack = (t: Float64Array) => {
      const spatial = Array.from({ length: layout.G }, (_, g) => Float64Array.from({ length: layout.K }, (_, k) => t[at.spatial(g, k)]));
      const temporal = Array.from({ length: layout.G }, (_, g) => Float64Array.from({ length: layout.J }, (_, j) => t[at.temporal(g, j)]));
      const history = Array.from({ length: layout.H }, (_, h) => t[at.history(h)]);
      return { beta: separableBeta(layout, t[0], spatial, temporal, history), spatial, temporal };
    };
    const gradient = (t: Float64Array): Float64Array => {
      const { beta, spatial, temporal } = unpack(t);
      const gb = evaluateObjective(data, fam, beta, false).grad;
      const out = new Float64Array(at.count);
      out[0] = gb[0];
      for (let g = 0; g < layout.G; g++)
        for (let k = 0; k < layout.K; k++)
          for (let j = 0; j < layout.J; j++) {
            const v = gb[coefficientIndex(inputColumn(layout, g, k, j))];
            out[at.spatial(g, k)] += temporal[g][j] * v;
            out[at.temporal(g, j)] += spatial[g][k] * v;
          }
      for (let h = 0; h < layout.H; h++) out[at.history(h)] = gb[coefficientIndex(historyColumn(layout, h))];
      for (let i = 1; i < at.count; i++) out[i] += ridge * t[i];
      return out;
    };
    const { q, hess } = separableHessian(data, layout, unpack(theta), {
      family: 'bernoulli',
      ridge,
      smoothness: 0,
      spatialOrdered: layout.spatial.ordered,
      temporalOrdered: layout.temporal.ordered,
    });
    expect(q).toBe(at.count);
    const step = 1e-5;
    let worst = 0;
    let scale = 0;
    for (let b = 0; b < q; b++) {
      const up = theta.slice();
      const down = theta.slice();
      up[b] += step;
      down[b] -= step;
      const gu = gradient(up);
      const gd = gradient(down);
      for (let a = 0; a < q; a++) {
        const numeric = (gu[a] - gd[a]) / (2 * step);
        worst = Math.max(worst, Math.abs(numeric - hess[a * q + b]));
        scale = Math.max(scale, Math.abs(numeric));
      }
    }
    expect(worst / scale).toBeLessThan(1e-5);
  });
});

describe('filter bands', () => {
  const { dataset } = planted(2);
  const model = fitReducedModel(dataset, spec, { bootstrap: false, coincidence: false });

  it('every sampled filter of a fit has a band point for point around it, and the file says how it was made', () => {
    expect(model.filters.bands).toEqual({ method: 'laplace', level: 0.95, draws: 1000, seed: 5 });
    const curves = [...model.filters.groups.flatMap((g) => [g.spatial, g.temporal]), model.filters.history!];
    for (const c of curves) {
      expect(c.band).toBeDefined();
      expect(c.band!.low).toHaveLength(c.y.length);
      expect(c.band!.high).toHaveLength(c.y.length);
      c.y.forEach((v, i) => {
        expect(c.band!.low[i]).toBeLessThanOrEqual(v + 1e-12);
        expect(c.band!.high[i]).toBeGreaterThanOrEqual(v - 1e-12);
      });
    }
    // The fitted curve is 1 at the first group's first distance (the soma); each draw's split is aligned with the
    // whole fitted curve, not pinned at that point, so the band has a width there too — and holds 1.
    const first = model.filters.groups[0].spatial;
    expect(first.y[0]).toBe(1);
    expect(first.band!.low[0]).toBeLessThan(1);
    expect(first.band!.high[0]).toBeGreaterThan(1);
  });

  it('same seed, same bands; another seed, other bands; bands: false leaves them out', () => {
    const parsed = SpecSchema.parse(spec);
    const layout = buildLayout(parsed, dataset.manifest.atoms);
    const design = buildDesign(dataset, layout);
    const weights = new Float64Array(design.n);
    const train = new Set(model.provenance.trainTrials);
    for (let r = 0; r < design.n; r++) if (train.has(design.trial[r])) weights[r] = 1;
    const data = { X: design.X, n: design.n, p: design.p, y: design.y.map((v) => (v > 0 ? 1 : 0)), weights };
    const fit = {
      beta: Float64Array.from([model.coefficients.intercept, ...model.coefficients.beta]),
      separable: {
        spatial: model.coefficients.separable!.spatial.map((s) => Float64Array.from(s)),
        temporal: model.coefficients.separable!.temporal.map((s) => Float64Array.from(s)),
      },
    };
    const a = filterBands(layout, parsed, data, fit, { sigma2: 1, seed: 5 })!;
    const b = filterBands(layout, parsed, data, fit, { sigma2: 1, seed: 5 })!;
    const c = filterBands(layout, parsed, data, fit, { sigma2: 1, seed: 6 })!;
    expect(a).toEqual(b);
    expect(a.groups[1].temporal).not.toEqual(c.groups[1].temporal);
    // The bands the fit stored are these (same data, same seed).
    expect(model.filters.groups[1].temporal.band).toEqual(a.groups[1].temporal);
    const without = fitReducedModel(dataset, spec, { bootstrap: false, coincidence: false, bands: false });
    expect(without.filters.bands).toBeUndefined();
    expect(without.filters.groups[0].spatial.band).toBeUndefined();
    expect(without.filters.groups.map((g) => g.temporal.y)).toEqual(model.filters.groups.map((g) => g.temporal.y));
  });

  it('a full (unconstrained) filter gets bands through its leading singular pair', () => {
    const full = fitReducedModel(dataset, { ...spec, structure: 'full' }, { bootstrap: false, coincidence: false });
    for (const g of full.filters.groups) {
      expect(g.temporal.band!.low).toHaveLength(g.temporal.y.length);
      g.temporal.y.forEach((v, i) => expect(v).toBeGreaterThanOrEqual(g.temporal.band!.low[i] - 1e-12));
      g.temporal.y.forEach((v, i) => expect(v).toBeLessThanOrEqual(g.temporal.band!.high[i] + 1e-12));
    }
  });

  it('bands survive the model file, and a band that does not match its curve is refused with the field named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'occam-bands-'));
    const file = join(dir, 'model.json');
    await writeReducedModel(file, model);
    const back = await readReducedModel(file);
    expect(back.filters.groups[0].temporal.band).toEqual(model.filters.groups[0].temporal.band);
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    raw.filters.groups[1].temporal.band.low.pop();
    writeFileSync(file, JSON.stringify(raw));
    await expect(readReducedModel(file)).rejects.toThrow(/filters\.groups\.1\.temporal\.band/);
  });
});
