import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32, neuronLikeAtoms, plantedDataset, runSearch, SearchResultSchema, type SpecInput } from '@occam/core';

// The truth uses E/I groups, a smooth filter over distance and output history. Two decoy attributes —
// a categorical `batch` and a numeric `depth`, both random per atom — carry no information; `distanceFrom`
// (a bin's lower edge) repeats `distance` and must not become a family of its own.
const rand = mulberry32(99);
const atoms = neuronLikeAtoms(6).map((a) => ({
  ...a,
  attributes: { ...a.attributes, batch: rand() < 0.5 ? 'a' : 'b', depth: Math.round(rand() * 1000), distanceFrom: (a.attributes.distance as number) - 25 },
}));
const truthSpec: SpecInput = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 275, offset: 50 } },
  temporal: { minLag: 0, maxLag: 16, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 0, lastPeak: 10, offset: 1.5 } },
  history: { maxLag: 8, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 1, lastPeak: 4, offset: 1 } },
};
const { dataset } = plantedDataset({
  nTrials: 300,
  nBins: 50,
  seed: 21,
  spec: truthSpec,
  atoms,
  truth: {
    intercept: -4.8,
    spatial: [
      [1, 0.4, 0.05],
      [0.3, 0.8, 1],
    ],
    temporal: [
      [0.5, 0.9, 0.4, 0.1],
      [-0.5, -0.7, -0.4, -0.1],
    ],
    history: [-5, -2, -0.3],
  },
  backgroundRate: 0.1,
  stimulusBin: 15,
  evokedRate: 0.8,
  scoredWindow: [12, 45],
});

describe('runSearch', () => {
  it('finds exactly the planted families and no decoy, and resumes from its checkpoint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'occam-search-'));
    const checkpoint = join(dir, 'search.jsonl');
    const options = { maxLag: 16, folds: 2, seed: 1 }; // default tolerance 0.005
    const result = await runSearch(dataset, options, { checkpoint, threads: 2 });
    expect(SearchResultSchema.safeParse(result).success).toBe(true);
    expect(result.redundantAttributes).toEqual(['distanceFrom']);
    expect(result.families.map((f) => f.name)).not.toContain('distanceFrom');
    const minimal = result.candidates.find((c) => c.key === result.minimal)!;
    const used = Object.entries(minimal.levels)
      .filter(([, l]) => l > 0)
      .map(([f]) => f);
    expect(used).toContain('split by type');
    expect(used).toContain('distance');
    expect(used).toContain('history');
    expect(used).not.toContain('split by batch');
    expect(used).not.toContain('depth');
    // every family of the minimal model is justified by its ablation
    for (const a of result.ablations.filter((x) => ['split by type', 'distance', 'history'].includes(x.family))) expect(a.deltaAuroc!).toBeLessThan(0);
    expect(result.paretoFront.length).toBeGreaterThan(1);
    // The group-lasso route, the independent second strategy: the true families enter its path before
    // the categorical decoy, and its selections are scored in the same table as the others.
    const entered = (family: string) => Math.max(...result.groupLasso!.blocks.filter((b) => b.family === family).map((b) => b.enteredAt ?? 0));
    expect(entered('history')).toBeGreaterThan(entered('split by batch'));
    expect(entered('split by type')).toBeGreaterThan(entered('split by batch'));
    expect(entered('distance')).toBeGreaterThan(entered('split by batch'));
    expect(result.paths.groupLasso.length).toBeGreaterThan(2);
    for (const key of result.paths.groupLasso) expect(result.candidates.find((c) => c.key === key)!.foundBy).toContain('groupLasso');
    // resume: a second run reads every candidate from the checkpoint and fits nothing new
    const lines = (await readFile(checkpoint, 'utf8')).trim().split('\n').length;
    let fits = 0;
    const again = await runSearch(dataset, options, { checkpoint, onProgress: () => fits++ });
    expect(fits).toBe(0);
    expect(again.minimal).toBe(result.minimal);
    expect(JSON.stringify(again)).toBe(JSON.stringify(result)); // the same bytes, resumed or not
    expect((await readFile(checkpoint, 'utf8')).trim().split('\n').length).toBe(lines);
    // a checkpoint written under other scoring options is refused, not silently reused
    await expect(runSearch(dataset, { ...options, seed: 2 }, { checkpoint })).rejects.toThrow(/written for another search: seed 1 \(this search: 2\)/);
  }, 900_000);

  it('gives the same result on one thread and on two', async () => {
    const small = plantedDataset({
      nTrials: 80,
      nBins: 50,
      seed: 3,
      spec: truthSpec,
      atoms,
      truth: {
        intercept: -4.8,
        spatial: [
          [1, 0.4, 0.05],
          [0.3, 0.8, 1],
        ],
        temporal: [
          [0.5, 0.9, 0.4, 0.1],
          [-0.5, -0.7, -0.4, -0.1],
        ],
        history: [-5, -2, -0.3],
      },
      backgroundRate: 0.1,
      stimulusBin: 15,
      evokedRate: 0.8,
      scoredWindow: [12, 45],
    }).dataset;
    const options = { maxLag: 16, folds: 2, seed: 1, strategies: ['groupLasso' as const] };
    const one = await runSearch(small, options, { threads: 1 });
    const two = await runSearch(small, options, { threads: 2 });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
  }, 300_000);
});
