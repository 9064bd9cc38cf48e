import type { Dataset } from '../dataset/dataset.js';
import { buildDesign, type Design } from '../design/buildDesign.js';
import { buildLayout, historyColumn, inputColumn, type DesignLayout } from '../design/layout.js';
import { OccamError } from '../errors.js';
import type { Spec } from '../spec/schema.js';
import { trialFolds } from '../validation/trialFolds.js';

export interface LabelledDataset {
  name: string;
  dataset: Dataset;
}

/** A family of design columns: one input group's filter, or the history filter. */
export interface ColumnFamily {
  name: string;
  columns: number[];
  /** Index of the input group (gains scale a group's drive); null for history. */
  group: number | null;
}

/**
 * Every condition's scored bins stacked into one design (the layout is shared, so a column means the same
 * thing in every condition), with which condition, trial and bin each row is. Trials are numbered across the
 * stack (condition 0's first, then condition 1's …) so the bootstrap resamples them as one population; bins
 * are offset per condition so that a (fold, bin) stratum and the PSTH never mix conditions.
 */
export interface ConditionStack {
  names: string[];
  spec: Spec;
  layout: DesignLayout;
  design: Design;
  /** Condition of each row. */
  condition: Int32Array;
  /** Stacked trial of each row. */
  trial: Int32Array;
  /** Stacked bin of each row (condition c's bins start at binOffset[c]). */
  bin: Int32Array;
  y: Float64Array;
  binOffset: number[];
  totalBins: number;
  trialOffset: number[];
  nTrials: number[];
  families: ColumnFamily[];
  /** Condition of each stacked trial. */
  trialCondition: Int32Array;
  /** Per stacked trial, its rows. */
  rowsByTrial: number[][];
}

function sameAtoms(a: Dataset, b: Dataset): string | null {
  const x = a.manifest.atoms;
  const y = b.manifest.atoms;
  if (x.length !== y.length) return `${y.length} atoms instead of ${x.length}`;
  for (let i = 0; i < x.length; i++) if (x[i].id !== y[i].id) return `atom ${i} is '${y[i].id}' where the first condition has '${x[i].id}'`;
  return null;
}

/** Build each condition's design with one shared layout and stack them. */
export function stackConditions(conditions: LabelledDataset[], spec: Spec): ConditionStack {
  if (conditions.length < 2) throw new OccamError(`compose needs at least two conditions, got ${conditions.length}`, { field: 'conditions' });
  const names = conditions.map((c) => c.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new OccamError(`condition name '${dup}' is given twice: name each condition once`, { field: 'conditions' });
  const first = conditions[0].dataset;
  for (const c of conditions.slice(1)) {
    const why = sameAtoms(first, c.dataset);
    if (why)
      throw new OccamError(
        `condition '${c.name}' has different atoms from '${conditions[0].name}' (${why}): compose compares one system under several conditions, so every Dataset must list the same atoms in the same order`,
        { field: 'atoms' },
      );
  }
  const layout = buildLayout(spec, first.manifest.atoms);
  const designs = conditions.map((c) => buildDesign(c.dataset, layout));
  const n = designs.reduce((s, d) => s + d.n, 0);
  const p = layout.p;
  const X = new Float32Array(n * p);
  const y = new Float64Array(n);
  const condition = new Int32Array(n);
  const trial = new Int32Array(n);
  const bin = new Int32Array(n);
  const binOffset: number[] = [];
  const trialOffset: number[] = [];
  const nTrials = conditions.map((c) => c.dataset.manifest.nTrials);
  let row = 0;
  let bins = 0;
  let trials = 0;
  designs.forEach((d, c) => {
    binOffset.push(bins);
    trialOffset.push(trials);
    for (let col = 0; col < p; col++) X.set(d.X.subarray(col * d.n, (col + 1) * d.n), col * n + row);
    for (let r = 0; r < d.n; r++) {
      const v = d.y[r];
      y[row + r] = spec.family === 'bernoulli' ? (v > 0 ? 1 : 0) : v;
      condition[row + r] = c;
      trial[row + r] = trials + d.trial[r];
      bin[row + r] = bins + d.bin[r];
    }
    row += d.n;
    bins += conditions[c].dataset.manifest.nBins;
    trials += nTrials[c];
  });
  const design: Design = { layout, n, p, X, y, trial, bin };
  const families: ColumnFamily[] = layout.groups.map((g, gi) => {
    const columns: number[] = [];
    for (let k = 0; k < layout.K; k++) for (let j = 0; j < layout.J; j++) columns.push(inputColumn(layout, gi, k, j));
    return { name: g.label, columns, group: gi };
  });
  if (layout.H > 0) families.push({ name: 'history', columns: Array.from({ length: layout.H }, (_, h) => historyColumn(layout, h)), group: null });
  const trialCondition = new Int32Array(trials);
  nTrials.forEach((nt, c) => trialCondition.fill(c, trialOffset[c], trialOffset[c] + nt));
  const rowsByTrial: number[][] = Array.from({ length: trials }, () => []);
  for (let r = 0; r < n; r++) rowsByTrial[trial[r]].push(r);
  return { names, spec, layout, design, condition, trial, bin, y, binOffset, totalBins: bins, trialOffset, nTrials, families, trialCondition, rowsByTrial };
}

/**
 * k folds stratified by condition: each condition's trials are split into k folds on their own (same seed),
 * and fold i of the stack is the union of every condition's fold i — every candidate is scored on the same
 * folds, and each fold holds out the same share of every condition.
 */
export function stratifiedFolds(stack: ConditionStack, folds: number, seed: number): number[][] {
  const out: number[][] = Array.from({ length: folds }, () => []);
  stack.nTrials.forEach((nt, c) => {
    if (nt < folds) throw new OccamError(`condition '${stack.names[c]}' has ${nt} trials, fewer than the ${folds} folds asked for`, { field: 'folds' });
    trialFolds(nt, folds, seed).forEach((f, i) => out[i].push(...f.map((t) => t + stack.trialOffset[c])));
  });
  return out;
}
