import { describe, expect, it } from 'vitest';
import {
  type Atom,
  compareModels,
  CompareResultSchema,
  fitReducedModel,
  neuronLikeAtoms,
  plantedDataset,
  predictReducedModel,
  type PlantedTruth,
  type SpecInput,
} from '@occam/core';

// Systems of different depths matched by role: atoms carry a relative depth (layer / (nLayers − 1)) and a
// type; the spec groups by type and by early / late bins of the relative depth, never by atom id or layer.
const spec: SpecInput = {
  groupBy: ['type', { attribute: 'relativeDepth', edges: [0, 0.5, 1.5] }],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 175, offset: 50 } },
  temporal: { minLag: 0, maxLag: 12, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 0, lastPeak: 8, offset: 1.5 } },
  regularization: { ridge: 1, smoothness: 0 },
};

/** A network's atoms: 4 distances × {excitatory, inhibitory} per layer, ids by layer; `extra` adds a type no other network has. */
function networkAtoms(nLayers: number, extra = false): Atom[] {
  const atoms: Atom[] = [];
  // layer-major within each type, so every network lists its groups in the same order (early then late, E then I)
  for (const type of ['excitatory', 'inhibitory'])
    for (let layer = 0; layer < nLayers; layer++)
      for (const a of neuronLikeAtoms(4).filter((x) => x.attributes.type === type))
        atoms.push({ id: `L${layer}.${a.id}`, attributes: { ...a.attributes, layer, relativeDepth: layer / (nLayers - 1) } });
  if (extra)
    for (const a of neuronLikeAtoms(2).slice(0, 2))
      atoms.push({ id: `gate.${a.id}`, attributes: { ...a.attributes, type: 'gate', layer: 0, relativeDepth: 0 } });
  return atoms;
}

// Groups in layout order: E early, E late, I early, I late (then the extra type's, planted silent).
const same: PlantedTruth = {
  intercept: -4.6,
  spatial: [
    [1, 0.4, 0.05],
    [0.2, 0.7, 1],
    [0.3, 0.8, 0.2],
    [1, 0.3, 0.1],
  ],
  temporal: [
    [0.5, 0.8, 0.3],
    [0.2, 0.6, 0.5],
    [-0.4, -0.6, -0.2],
    [-0.1, -0.3, -0.5],
  ],
};
const other: PlantedTruth = {
  intercept: -4.4,
  spatial: [
    [0.05, 0.4, 1],
    [1, 0.6, 0.1],
    [1, 0.1, 0.1],
    [0.1, 0.2, 1],
  ],
  temporal: [
    [0.1, 0.3, 0.8],
    [0.8, 0.3, 0.1],
    [-0.1, -0.1, -0.6],
    [-0.6, -0.2, 0],
  ],
};
const silentExtra = (t: PlantedTruth): PlantedTruth => ({ ...t, spatial: [...t.spatial, [0, 0, 0]], temporal: [...t.temporal, [0, 0, 0]] });

function system(name: string, atoms: Atom[], truth: PlantedTruth, seed: number) {
  const { dataset } = plantedDataset({
    nTrials: 400,
    nBins: 40,
    seed,
    spec,
    truth,
    atoms,
    backgroundRate: 0.1,
    stimulusBin: 10,
    evokedRate: 0.8,
    scoredWindow: [8, 36],
  });
  return { name, dataset, model: fitReducedModel(dataset, spec) };
}

describe('compare by role: systems with different atom sets matched by group labels', () => {
  const a = system('A (2 layers)', networkAtoms(2), same, 11);
  const b = system('B (3 layers + a gate type, same computation)', networkAtoms(3, true), silentExtra(same), 12);
  const c = system('C (3 layers, different computation)', networkAtoms(3), other, 13);
  const result = compareModels([a, b, c], { resamples: 300, filterDraws: 200 });
  const at = (m: (number | null)[][], i: number, j: number) => m[i][j]!;

  it('the atom sets differ but the role groups match', () => {
    expect(a.dataset.manifest.atoms.length).toBe(16);
    expect(b.dataset.manifest.atoms.length).toBe(26);
    expect(a.model.layout.groups).toEqual(c.model.layout.groups);
    // without matching by group, A's model cannot be applied to B's data at all (B has a group A does not know)
    expect(() => predictReducedModel(a.model, b.dataset)).toThrow(/does not know/);
    expect(CompareResultSchema.safeParse(result).success).toBe(true);
  });

  it("says which groups did not match: B's extra type is left out when A's model predicts B", () => {
    const aOnB = result.groupMatching!.find((g) => g.model === a.name && g.data === b.name)!;
    expect(aOnB.unknown).toEqual(['type=gate, relativeDepth∈[0,0.5)']);
    expect(aOnB.absent).toEqual([]);
    const bOnA = result.groupMatching!.find((g) => g.model === b.name && g.data === a.name)!;
    expect(bOnA.absent).toEqual(['type=gate, relativeDepth∈[0,0.5)']);
    expect(result.groupMatching!.some((g) => g.model === a.name && g.data === c.name)).toBe(false);
  });

  it('planted identically: each model predicts the other network as well as its own model does', () => {
    const ci = result.crossPrediction.intervals!;
    for (const [i, j] of [
      [0, 1],
      [1, 0],
    ]) {
      const [lo, hi] = ci.relativeToOwn[i][j]!;
      expect(lo).toBeLessThan(0.005);
      expect(hi).toBeGreaterThan(-0.005);
      expect(at(result.crossPrediction.relativeToOwn, i, j)).toBeGreaterThan(-0.02);
    }
  });

  it('planted differently: cross-prediction is worse than the own model, and the paired interval excludes 0', () => {
    const ci = result.crossPrediction.intervals!;
    expect(ci.relativeToOwn[0][2]![1]).toBeLessThan(0);
    expect(ci.relativeToOwn[2][0]![1]).toBeLessThan(0);
    expect(at(result.crossPrediction.relativeToOwn, 0, 2)).toBeLessThan(at(result.crossPrediction.relativeToOwn, 0, 1) - 0.02);
  });

  it('filter similarity per role group: high for the same planting, lower (interval apart) for a different one', () => {
    for (const group of ['type=excitatory, relativeDepth∈[0,0.5)', 'type=excitatory, relativeDepth∈[0.5,1.5)']) {
      const f = result.filterSimilarity.find((x) => x.group === group && x.filter === 'full')!;
      expect(at(f.matrix, 0, 1)).toBeGreaterThan(0.9);
      expect(at(f.matrix, 0, 2)).toBeLessThan(0.8);
      expect(f.intervals![0][2]![1]).toBeLessThan(f.intervals![0][1]![0]);
    }
    // the gate group exists in B only: no similarity with the others
    const gate = result.filterSimilarity.find((x) => x.group === 'type=gate, relativeDepth∈[0,0.5)' && x.filter === 'spatial')!;
    expect(gate.matrix[0][1]).toBeNull();
  });

  it('inputs vs models: A vs B differ mostly by their inputs, A vs C more by their models', () => {
    const ab = result.variability.find((v) => v.a === a.name && v.b === b.name)!;
    const ac = result.variability.find((v) => v.a === a.name && v.b === c.name)!;
    expect(ab.inputShare!).toBeGreaterThan(0.5);
    expect(ac.modelShare!).toBeGreaterThan(ab.modelShare!);
  });
});
