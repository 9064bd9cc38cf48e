import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  neuronLikeAtoms,
  parseSearchOptions,
  plantedDataset,
  runSearch,
  SearchOptionError,
  SearchResultSchema,
  strategiesNamed,
  type Candidate,
  type Levels,
  type SearchStrategy,
  type SpecInput,
} from '@occam/core';

const temporal = { minLag: 1, maxLag: 6, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 1, lastPeak: 4, offset: 2 } } as const;
const truthSpec: SpecInput = { groupBy: ['type'], temporal };
const { dataset } = plantedDataset({
  nTrials: 90,
  nBins: 40,
  seed: 3,
  spec: truthSpec,
  atoms: neuronLikeAtoms(2),
  truth: {
    intercept: -4,
    spatial: [[1], [1]],
    temporal: [
      [0.5, 0.7, 0.2],
      [-0.5, -0.7, -0.2],
    ],
    history: [],
  },
  backgroundRate: 0.1,
  stimulusBin: 12,
  evokedRate: 0.8,
  scoredWindow: [10, 36],
});

/** A toy strategy: the empty model, then each family raised to level 1 beside the empty model again (known: not refitted). */
function toyStrategy(seen: Candidate[][]): SearchStrategy {
  return {
    name: 'toy',
    start({ plans, keyOf }) {
      const empty: Levels = Object.fromEntries(plans.map((p) => [p.name, 0]));
      const path: string[] = [];
      let step = 0;
      return {
        next(scored) {
          if (scored) seen.push(scored);
          step++;
          if (step === 1) return [empty];
          if (step === 2) {
            path.push(keyOf(empty));
            const raised = plans.filter((p) => p.name !== 'structure').map((p) => ({ ...empty, [p.name]: 1 }));
            return [...raised, empty];
          }
          path.push(keyOf(scored![0].levels));
          return null;
        },
        path: () => path,
      };
    },
  };
}

const options = { maxLag: 6, minLag: 1, folds: 3, seed: 4, sufficiency: 'tolerance', history: false, resamples: 200 } as const;

describe('search strategies behind one interface', () => {
  it('runs a strategy of its own: scores what it proposes once each, shows it the scores in order, credits it in foundBy', async () => {
    const seen: Candidate[][] = [];
    let fits = 0;
    const checkpoint = join(await mkdtemp(join(tmpdir(), 'occam-strategy-')), 'ckpt.jsonl');
    const result = await runSearch(dataset, options, { threads: 1, strategies: [toyStrategy(seen)], checkpoint, onProgress: (done) => (fits = done) });
    SearchResultSchema.parse(result);
    expect(seen).toHaveLength(2);
    const [first, second] = seen;
    expect(first).toHaveLength(1);
    // The repeated empty model comes back as the same candidate object, scored once.
    expect(second[second.length - 1]).toBe(first[0]);
    expect(result.paths.toy).toEqual([first[0].key, second[0].key]);
    const proposed = new Set([...first, ...second].map((c) => c.key));
    for (const c of result.candidates) if (proposed.has(c.key)) expect(c.foundBy).toContain('toy');
    const ablated = result.candidates.filter((c) => !proposed.has(c.key));
    for (const c of ablated) expect(c.foundBy).toEqual(['ablation']);
    expect(fits).toBe(result.candidates.length);
    // Every candidate carries its intervals, drawn with the search's seed and resample count.
    expect(result.candidateIntervals).toEqual({ method: 'percentile bootstrap over trials', level: 0.95, resamples: 200, seed: 4 });
    for (const c of result.candidates) expect(c.intervals?.auroc).not.toBeNull();

    // Resumed from its checkpoint: nothing is refitted and the result is the same.
    let refits = 0;
    const resumed = await runSearch(dataset, options, { threads: 1, strategies: [toyStrategy([])], checkpoint, onProgress: () => refits++ });
    expect(refits).toBe(0);
    expect(resumed.candidates).toEqual(result.candidates);
    expect(resumed.minimal).toBe(result.minimal);
  });

  it('runs named strategies in the table order, whatever order they were named in', () => {
    expect(strategiesNamed(['groupLasso', 'forward']).map((s) => s.name)).toEqual(['forward', 'groupLasso']);
    expect(strategiesNamed(['backward']).map((s) => s.name)).toEqual(['backward']);
  });

  it('judges options against the data, naming the option and what is wrong', () => {
    const fail = (input: object) => {
      try {
        parseSearchOptions({ maxLag: 6, ...input }, dataset.manifest);
      } catch (e) {
        expect(e).toBeInstanceOf(SearchOptionError);
        return e as SearchOptionError;
      }
      throw new Error('accepted');
    };
    expect(fail({ maxLag: 40 }).describe('--max-lag')).toBe('--max-lag must be a whole number from 0 to 39 (a trial of the dataset has 40 bins), got 40');
    expect(fail({ folds: 1 }).describe('--folds', '1')).toBe('--folds 1: too small: expected number to be >=2');
    expect(fail({ strategies: ['backwards'] }).describe('--strategies')).toBe(
      "--strategies: unknown strategy 'backwards' (forward, backward, groupLasso) — did you mean 'backward'?",
    );
    expect(fail({ ignoreAttributes: ['layer'] }).message).toBe(
      "search options: ignoreAttributes: no atom has an attribute 'layer' (attributes: type, distance)",
    );
    expect(fail({ exclude: { distance: ['near'] } }).option).toBe('exclude');
    // The data's defaults: the family from the target's kind, the deciding figure from the bin unit; numeric exclusions as numbers.
    const ok = parseSearchOptions({ maxLag: 6, exclude: { distance: ['25'] } }, dataset.manifest);
    expect([ok.family, ok.sufficientBy, ok.exclude]).toEqual(['bernoulli', 'auroc', { distance: [25] }]);
  });
});
