import { describe, expect, it } from 'vitest';
import { fitReducedModel, neuronLikeAtoms, plantedDataset, type SpecInput } from '@occam/core';
import { summaryTable } from '../src/summaryTable.js';

const spec: SpecInput = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 225, offset: 50 } },
  temporal: { minLag: 1, maxLag: 20, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 1, lastPeak: 12, offset: 2 } },
  regularization: { ridge: 1, smoothness: 0.5 },
  validation: { kind: 'split', testFraction: 0.4, seed: 2 },
};
const truth = {
  intercept: -3.5,
  spatial: [
    [1, 0.5, 0.1],
    [1, 0.7, 0.4],
  ],
  temporal: [
    [0.3, 0.6, 0.3, 0.05],
    [-0.2, -0.3, -0.2, -0.05],
  ],
};
const data = (nTrials: number) =>
  plantedDataset({
    nTrials,
    nBins: 60,
    seed: 4,
    spec,
    truth,
    atoms: neuronLikeAtoms(5),
    backgroundRate: 0.1,
    stimulusBin: 20,
    evokedRate: 0.6,
    scoredWindow: [15, 50],
  }).dataset;
const interval = (v: number | null | undefined, ci: [number, number] | null | undefined, digits = 3) =>
  `${v!.toFixed(digits)} [${ci![0].toFixed(digits)}, ${ci![1].toFixed(digits)}]`;

describe('summaryTable', () => {
  it('prints held-out figures with their intervals, the threshold rule and the deciding figure', () => {
    const model = fitReducedModel(data(150), spec, { coincidence: false, bootstrap: { resamples: 200 } });
    const text = summaryTable(model);
    const t = model.metrics.test;
    const iv = t.intervals!;
    expect(text).toContain(interval(t.model.auroc, iv.model.auroc));
    expect(text).toContain(interval(t.stratifiedAuroc!.model, iv.model.stratifiedAuroc));
    expect(text).toContain(interval(t.gainOverPsth.bitsPerEvent, iv.modelMinusPsth.bitsPerEventOverPsth) + ' bits/event');
    expect(text).toMatch(/accuracy \(threshold from training bins\)/);
    expect(text).toContain('95 % interval: 200 resamples of the 60 trials');
    expect(text).toMatch(/^deciding figure: held-out trial-to-trial AUROC \(fixed bins\) \d\.\d{3} \[/m);
    expect(text).not.toMatch(/few events/);
  });

  it("when the training trials chose the lookup table, its gain over the PSTH comes first, the link's after", () => {
    const model = fitReducedModel(data(150), { ...spec, nonlinearity: { kind: 'lookup' } }, { coincidence: false, bootstrap: { resamples: 200 } });
    const lookupModel = { ...model, nonlinearity: { ...model.nonlinearity, choice: { ...model.nonlinearity.choice!, headline: 'lookup' as const } } };
    const t = lookupModel.metrics.test;
    const viaLookup = (t.gainOverPsth.bitsPerEvent! * (t.lookup!.logLikPerBin! - t.psth.logLikPerBin!)) / (t.model.logLikPerBin! - t.psth.logLikPerBin!);
    const lines = summaryTable(lookupModel).split('\n');
    const first = lines.findIndex(
      (l) => l.includes('through the lookup table (the headline)') && l.includes(interval(viaLookup, t.intervals!.lookup!.bitsPerEventOverPsth)),
    );
    const link = lines.findIndex(
      (l) =>
        l.includes('gain over PSTH through the link') && l.includes(interval(t.gainOverPsth.bitsPerEvent, t.intervals!.modelMinusPsth.bitsPerEventOverPsth)),
    );
    expect(first).toBeGreaterThan(0);
    expect(link).toBe(first + 1);
    // the lookup's ΔAUROC carries its paired interval (lookup − PSTH on the same resampled trials), and holds it
    const paired = t.intervals!.lookupMinusPsth!.auroc!;
    expect(lines[first]).toContain(`ΔAUROC ${interval(t.lookup!.auroc! - t.psth.auroc!, paired)}`);
    expect(paired[0]).toBeLessThanOrEqual(t.lookup!.auroc! - t.psth.auroc!);
    expect(paired[1]).toBeGreaterThanOrEqual(t.lookup!.auroc! - t.psth.auroc!);
  });

  it('on token positions the stratified AUROC decides; few events are said in words', () => {
    const ds = data(12);
    const lm = { ...ds, manifest: { ...ds.manifest, binUnit: 'token' as const } };
    const model = fitReducedModel(lm, { ...spec, regularization: { ridge: 5, smoothness: 0.5 } }, { coincidence: false, bootstrap: { resamples: 100 } });
    const text = summaryTable(model);
    expect(model.metrics.decidingMetric!.metric).toBe('stratifiedAuroc');
    expect(text).toMatch(/^deciding figure: held-out stratified AUROC /m);
    const flagged = model.metrics.test.smallSample!.flagged;
    expect(flagged.length).toBeGreaterThan(0); // 5 held-out trials: the fixed bins hold few events
    const names: Record<string, string> = { auroc: 'AUROC per bin', trialToTrialAuroc: 'trial-to-trial AUROC', stratifiedAuroc: 'stratified AUROC' };
    for (const f of flagged) if (names[f.figure]) expect(text).toContain(`⚠ few events: ${names[f.figure]} rests on ${f.events} events (fewer than 30)`);
  });
});
