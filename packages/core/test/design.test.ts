import { describe, expect, it } from 'vitest';
import { buildDesign, buildLayout, createDataset, SpecSchema, raisedCosineLogBasis, isfRaisedCosineBasis } from '@occam/core';

function impulseDataset() {
  // 3 atoms (two excitatory at 25/75 µm, one inhibitory), 1 trial, 20 bins; one input at bin 5 on atom 0.
  const nBins = 20;
  const inputs = new Uint8Array(3 * nBins);
  inputs[5] = 1;
  inputs[2 * nBins + 12] = 2;
  const target = new Uint8Array(nBins);
  target[8] = 1;
  return createDataset(
    {
      format: 'occam.dataset',
      version: 1,
      nTrials: 1,
      nBins,
      binWidth: 1,
      binUnit: 'ms',
      atoms: [
        { id: 'e0', attributes: { type: 'excitatory', distance: 25 } },
        { id: 'e1', attributes: { type: 'excitatory', distance: 75 } },
        { id: 'i0', attributes: { type: 'inhibitory', distance: 25 } },
      ],
      target: { kind: 'binary' },
    },
    { inputs, target },
  );
}

describe('design', () => {
  const spec = SpecSchema.parse({
    groupBy: ['type'],
    spatial: { attribute: 'distance', basis: { kind: 'raw' } },
    temporal: { minLag: 1, maxLag: 4, basis: { kind: 'raw' } },
    history: { maxLag: 3, basis: { kind: 'raw' } },
    structure: 'full',
  });

  it('groups atoms by attribute in dataset order, with raw spatial values', () => {
    const layout = buildLayout(spec, impulseDataset().manifest.atoms);
    expect(layout.groups.map((g) => g.label)).toEqual(['type=excitatory', 'type=inhibitory']);
    expect(Array.from(layout.spatialValues)).toEqual([25, 75]);
    expect([layout.K, layout.J, layout.H, layout.p]).toEqual([2, 4, 3, 2 * 2 * 4 + 3]);
  });

  it('is causal: an input at bin 5 appears only in rows 5+minLag … 5+maxLag, at the right lag column', () => {
    const ds = impulseDataset();
    const layout = buildLayout(spec, ds.manifest.atoms);
    const d = buildDesign(ds, layout, { rows: 'all' });
    const col = (g: number, k: number, j: number) => (g * layout.K + k) * layout.J + j;
    for (let t = 0; t < 20; t++) {
      for (let j = 0; j < 4; j++) {
        const expected = t - 5 === j + 1 ? 1 : 0; // lag = j + minLag
        expect(d.X[col(0, 0, j) * d.n + t]).toBe(expected);
      }
    }
    // inhibitory input of 2 at bin 12, lag 1..4 → rows 13..16
    expect(d.X[col(1, 0, 0) * d.n + 13]).toBe(2);
    expect(d.X[col(1, 0, 3) * d.n + 16]).toBe(2);
    expect(d.X[col(1, 0, 0) * d.n + 12]).toBe(0);
    // history: the spike at bin 8 shows at lags 1..3 (rows 9..11), never in its own bin
    const h0 = layout.groups.length * layout.K * layout.J;
    expect(d.X[h0 * d.n + 8]).toBe(0);
    expect(d.X[h0 * d.n + 9]).toBe(1);
    expect(d.X[(h0 + 2) * d.n + 11]).toBe(1);
  });

  it('builds rows only for scored bins', () => {
    const ds = impulseDataset();
    ds.scored.fill(0);
    ds.scored[9] = 1;
    ds.scored[14] = 1;
    const d = buildDesign(ds, buildLayout(spec, ds.manifest.atoms));
    expect(d.n).toBe(2);
    expect(Array.from(d.bin)).toEqual([9, 14]);
    expect(Array.from(d.y)).toEqual([0, 0]);
  });

  it('exclude drops a group, constant spatial basis sums atoms', () => {
    const ds = impulseDataset();
    const s2 = SpecSchema.parse({ ...spec, exclude: { type: ['inhibitory'] }, spatial: undefined });
    const layout = buildLayout(s2, ds.manifest.atoms);
    expect(layout.groups.map((g) => g.label)).toEqual(['type=excitatory']);
    expect(layout.K).toBe(1);
  });
});

describe('bases', () => {
  it('raised-cosine log basis sums to a constant away from its ends (neighbours a quarter period apart)', () => {
    const t = Array.from({ length: 400 }, (_, i) => i * 0.1);
    const spec = { kind: 'raisedCosineLog' as const, count: 10, firstPeak: 1, lastPeak: 40, offset: 1 };
    const rows = raisedCosineLogBasis(spec, t);
    const x0 = Math.log(2),
      dx = (Math.log(41) - x0) / 9;
    const sums = t.map((_, i) => rows.reduce((s, r) => s + r[i], 0));
    const interior = t.map((ti, i) => [Math.log(ti + 1), sums[i]]).filter(([x]) => x >= x0 + 2 * dx && x <= x0 + 7 * dx);
    expect(interior.length).toBeGreaterThan(50);
    for (const [, s] of interior) expect(s).toBeCloseTo(interior[0][1], 10);
  });
  it('ISF raised cosines follow ½cos(a·log(x+c) − φ) + ½ and vanish outside ±π', () => {
    const [row] = isfRaisedCosineBasis({ kind: 'isfRaisedCosine', a: 2, c: 1, phases: [3], scale: 1 }, [0, Math.exp(1.5) - 1, 100]);
    expect(row[0]).toBeCloseTo(0.5 * Math.cos(-3) + 0.5, 12);
    expect(row[1]).toBeCloseTo(1, 12);
    expect(row[2]).toBe(0);
  });
});
