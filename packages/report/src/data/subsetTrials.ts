import type { Dataset, InputArray, TargetArray } from '@occam/core';

function sliceRows<T extends InputArray | TargetArray | Uint8Array>(array: T, blocks: number, nTrials: number, nBins: number, trials: readonly number[]): T {
  const Ctor = array.constructor as new (length: number) => T;
  const out = new Ctor(blocks * trials.length * nBins);
  for (let b = 0; b < blocks; b++)
    trials.forEach((trial, k) => {
      const from = (b * nTrials + trial) * nBins;
      out.set(array.subarray(from, from + nBins), (b * trials.length + k) * nBins);
    });
  return out;
}

/** A dataset holding only the given trials, in that order (copies just those trials' arrays). */
export function subsetTrials(ds: Dataset, trials: readonly number[]): Dataset {
  const { nTrials, nBins } = ds.manifest;
  return {
    manifest: {
      ...ds.manifest,
      nTrials: trials.length,
      trialIds: ds.manifest.trialIds ? trials.map((t) => ds.manifest.trialIds![t]) : undefined,
      trialFeatures: ds.manifest.trialFeatures
        ? Object.fromEntries(Object.entries(ds.manifest.trialFeatures).map(([k, v]) => [k, trials.map((t) => v[t])]))
        : undefined,
    },
    inputs: sliceRows(ds.inputs, ds.manifest.atoms.length, nTrials, nBins, trials),
    target: sliceRows(ds.target, 1, nTrials, nBins, trials),
    scored: sliceRows(ds.scored, 1, nTrials, nBins, trials),
  };
}
