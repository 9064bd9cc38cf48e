import { describe, expect, it } from 'vitest';
import { buildLayout, runSearch } from '@occam/core';
import { extractDataset, LanguageModel, loadCondition } from '@occam/transformer';
import { needs, tinyLm } from './fixtures.js';

// Issue 6's acceptance on the known-mechanism model: the search, given the atoms and nothing about the
// mechanism, needs token offsets out to the induction period and puts the token feature's weight there.
const trained = tinyLm('induction-2l-s1');
const PERIOD = 10;

describe.skipIf(!trained)(needs('search on the induction model', trained, 'induction-2l-s1'), () => {
  it('finds the look-back offset (the period) without being told it', async () => {
    const model = await LanguageModel.load(trained!, { threads: 1 });
    let dataset;
    try {
      const prompts = await loadCondition(
        { kind: 'repeated-random', period: PERIOD, count: 400, seed: 11 },
        { size: model.vocabSize, tokenizer: model.tokenizer },
      );
      // the atoms this test was written for: neuron sums and the token feature (no readout atoms, no input patterns)
      ({ dataset } = await extractDataset(
        model,
        prompts,
        { kind: 'next-token-correct' },
        { batchSize: 64, atoms: { families: ['mlp-neurons', 'token-features'] } },
      ));
    } finally {
      await model.dispose();
    }
    // Direct-effect atoms decompose the very logit the behaviour reads (they predict it at offset 0 with no
    // look-back; left out by default, excluded here too should they be opted in); head and layer indices are
    // left to the full search.
    const result = await runSearch(
      dataset,
      {
        maxLag: PERIOD + 2,
        folds: 2,
        seed: 1,
        strategies: ['forward'],
        exclude: { feature: ['direct-effect'] },
        ignoreAttributes: ['head', 'layer'],
        history: false,
      },
      { threads: 2 },
    );
    const minimal = result.candidates.find((c) => c.key === result.minimal)!;
    const lagFamily = result.families.find((f) => f.name === 'lag window')!;
    const window = lagFamily.levels[minimal.levels['lag window']];
    console.info(`[search] minimal: ${result.minimal}\n  filter peaks: ${result.minimalFilters.map((f) => `${f.group} ${f.peakLag}`).join('; ')}`);
    // a window that reaches the period: the shorter ones (3 and 6 offsets) cannot see the earlier occurrence
    expect(window).toMatch(/^0–12 bins/);
    const ablation = result.ablations.find((a) => a.family === 'lag window');
    expect(ablation?.deltaAuroc ?? 0).toBeLessThan(-0.02);
    // the token-level feature (does this token repeat an earlier one) weighs most at the period
    // (the group holding the token atoms, whatever the grouping the search chose calls it)
    const atoms = dataset.manifest.atoms;
    const tokenGroup = buildLayout(minimal.spec, atoms).groups.find(
      (g) => g.atoms.length > 0 && g.atoms.every((a) => atoms[a].attributes.component === 'token'),
    );
    expect(tokenGroup, `the minimal model's groups mix the token feature with other atoms`).toBeDefined();
    const token = result.minimalFilters.find((f) => f.group === tokenGroup!.label);
    expect(token!.peakLag).toBe(PERIOD);
  }, 600_000);
});
