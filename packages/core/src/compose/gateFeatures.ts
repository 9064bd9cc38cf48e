import { OccamError } from '../errors.js';
import type { ConditionStack, LabelledDataset } from './conditionStack.js';

/**
 * The families of what a gate may see of a trial without its label:
 * - `volume`: per input group, log(1 + total |input|) of the group's atoms over the bins the scored bins'
 *   filters read — the size of the evoked input volley (e.g. a strong vs a weak deflection);
 * - `trial`: every per-trial feature the Datasets carry (manifest.trialFeatures, filled by an adapter from the
 *   trial's own input, e.g. a prompt's detected period); `trial:NAME` one of them.
 * Inputs only: never the target, never the condition.
 */
export const GATE_FEATURE_FAMILIES = ['volume', 'trial'] as const;

export interface GateFeatureSelection {
  volume: boolean;
  /** Names of the Datasets' per-trial features the gate reads. */
  trial: string[];
}

function trialFeatureNames(c: LabelledDataset): string[] {
  return Object.keys(c.dataset.manifest.trialFeatures ?? {});
}

/** Per-trial features every condition carries (in the first condition's order). */
function sharedTrialFeatures(conditions: LabelledDataset[]): string[] {
  return trialFeatureNames(conditions[0]).filter((n) => conditions.every((c) => trialFeatureNames(c).includes(n)));
}

/**
 * The gate's features from a list of families (`volume`, `trial`, `trial:NAME`); without a list, `volume`
 * plus every per-trial feature all the conditions carry (only `volume` when they carry none).
 */
export function selectGateFeatures(conditions: LabelledDataset[], requested?: readonly string[]): GateFeatureSelection {
  const shared = sharedTrialFeatures(conditions);
  if (requested === undefined) return { volume: true, trial: shared };
  if (requested.length === 0) throw new OccamError('gate features: the list is empty; give volume, trial or trial:NAME', { field: 'gateFeatures' });
  const selection: GateFeatureSelection = { volume: false, trial: [] };
  const add = (name: string) => {
    if (!selection.trial.includes(name)) selection.trial.push(name);
  };
  for (const r of requested) {
    if (r === 'volume') selection.volume = true;
    else if (r === 'trial' || r.startsWith('trial:')) {
      const names = r === 'trial' ? shared : [r.slice('trial:'.length)];
      for (const name of names) {
        const lacking = conditions.find((c) => !trialFeatureNames(c).includes(name));
        if (lacking)
          throw new OccamError(
            `gate features: condition '${lacking.name}' carries no per-trial feature '${name}' (it has ${trialFeatureNames(lacking).join(', ') || 'none'}): name one every condition carries, or leave trial:${name} out`,
            { field: 'gateFeatures' },
          );
        add(name);
      }
      if (r === 'trial' && names.length === 0) {
        const lacking = conditions.find((c) => trialFeatureNames(c).length === 0) ?? conditions[0];
        throw new OccamError(
          `gate features: 'trial' asks for the Datasets' per-trial features, but condition '${lacking.name}' carries none shared by every condition (manifest.trialFeatures; language-model Datasets extracted by this occam carry repeat-lag and repeat-share): use --gate-features volume, or re-extract`,
          { field: 'gateFeatures' },
        );
      }
    } else throw new OccamError(`gate features: unknown family '${r}'; expected volume, trial or trial:NAME (comma-separated)`, { field: 'gateFeatures' });
  }
  return selection;
}

/** The selection as the result records it: 'volume' and 'trial:NAME' for each per-trial feature. */
export function gateFeatureKeys(selection: GateFeatureSelection): string[] {
  return [...(selection.volume ? ['volume'] : []), ...selection.trial.map((n) => `trial:${n}`)];
}

/** Each stacked trial's gate features, and their names. */
export function gateFeatures(
  conditions: LabelledDataset[],
  stack: ConditionStack,
  selection: GateFeatureSelection,
): { names: string[]; values: Float64Array[] } {
  const { layout } = stack;
  const maxLag = stack.spec.temporal.maxLag;
  const G = selection.volume ? layout.groups.length : 0;
  const values: Float64Array[] = [];
  conditions.forEach(({ dataset: ds }, c) => {
    const { nTrials, nBins } = ds.manifest;
    const carried = selection.trial.map((n) => ds.manifest.trialFeatures![n]);
    for (let tr = 0; tr < nTrials; tr++) {
      const f = new Float64Array(G + carried.length);
      if (selection.volume) {
        let first = nBins;
        let last = -1;
        for (let t = 0; t < nBins; t++)
          if (ds.scored[tr * nBins + t] === 1) {
            first = Math.min(first, t);
            last = t;
          }
        const from = Math.max(0, first - maxLag);
        layout.groups.forEach((g, gi) => {
          let s = 0;
          // |input|: a volley's size whatever its sign (language-model atoms are signed activations)
          for (const a of g.atoms) {
            const base = (a * nTrials + tr) * nBins;
            for (let t = from; t <= last; t++) s += Math.abs(ds.inputs[base + t]);
          }
          f[gi] = Math.log1p(s);
        });
      }
      carried.forEach((v, k) => (f[G + k] = v[tr]));
      values[stack.trialOffset[c] + tr] = f;
    }
  });
  const names = [
    ...(selection.volume ? layout.groups.map((g) => `log(1 + total |input|, ${g.label})`) : []),
    ...selection.trial.map((n) => `trial feature ${n}`),
  ];
  return { names, values };
}
