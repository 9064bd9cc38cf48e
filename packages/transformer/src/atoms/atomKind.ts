import type { Atom } from '@occam/core';
import type { PaddedBatch } from '../condition/padBatch.js';
import type { LanguageModel } from '../model-dir/languageModel.js';
import type { GraphFragment } from '../onnx/graphFragment.js';

/**
 * One atom kind, described once. A source (a record of atoms/kinds/<kind>.ts: which hook it reads, which
 * projection, which offsets) is turned by its kind into
 * - `atoms`: the atoms it gives (ids and attributes), in column order,
 * - `filler`: the JS reference that writes those atoms at one position from the hooked activations
 *   (AtomPlan.fill), and
 * - `graph`: ONNX nodes computing the same columns in the same order inside the model's graph
 *   (atoms/graphAtoms.ts), or null for atoms computed from the prompt's tokens on both paths.
 * Both paths lay a source's atoms out at plan.atoms[source.atom …], so they cannot disagree on which value
 * is which atom; tests check that they agree on the values (test/graphAtoms.test.ts).
 */
export interface AtomKind<S extends { kind: string; atom: number }> {
  atoms(source: S): Atom[];
  filler(source: S, js: JsAtomContext): Filler | Promise<Filler>;
  graph: ((source: S, g: GraphAtomContext) => string | Promise<string>) | null;
}

/** Writes a source's atoms at the current position into out[source.atom …]. */
export type Filler = (out: Float64Array) => void;

/** The position AtomPlan.fill is at, overwritten per position (one object per plan). */
export interface AtomPosition {
  /** Batch row and padded column. */
  b: number;
  col: number;
  /** Position within the prompt. */
  t: number;
  /** The prompt's columns (AtomPlan.promptColumns). */
  feats: Float32Array[];
  /** The readout's residual-stream direction here (null: none, direct effects are 0) and its cache key. */
  w: Float32Array | null;
  key: string;
  /** The readout norm's scale σ here (1 without a readout). */
  sigma: number;
}

/** What a JS filler reads: hook tensors bound per forward output (by slot), and the current position. */
export interface JsAtomContext {
  model: LanguageModel;
  /** The slot of a hook (it is fetched per batch from then on); its data is data[slot] once bound. */
  slot(hook: string): number;
  readonly data: Float32Array[];
  readonly dims: number[][];
  /** Values per (batch row, position) of slot i. */
  readonly rowSize: number[];
  /** Where (batch row b, padded column col) starts in slot i's data. */
  rowStart(slot: number, b: number, col: number): number;
  readonly at: AtomPosition;
}

/** A batch as the graph's fed inputs see it: the padded batch, each prompt's tokens, and the readout's direction per position. */
export interface FeedBatch {
  batch: PaddedBatch;
  tokens: number[][];
  /** The readout's residual-stream direction at prompt b, position t (null: none there). */
  direction(b: number, t: number): Float32Array | null;
}

/** A graph input's value for one batch. */
export interface FedTensor {
  dims: number[];
  data: Float32Array;
}

/** What a kind's graph builder works with: the fragment appended to the model, and the shared tensors. */
export interface GraphAtomContext {
  f: GraphFragment;
  model: LanguageModel;
  /** The default-domain opset of the model. */
  opset: number;
  /** The tensor of a hook, checked to be float32. */
  tensor(hook: string): string;
  /** The readout's direction w [batch, pos, d] (a fed input) and scale σ [batch, pos, 1], built once. */
  readout(): { w: string; sigma: string; dModel: number };
  /** A float32 scalar 0, shared. */
  zero(): string;
  /** A float32 input fed per batch by `feed`; one input per name (a second call with the name returns the first). */
  fedInput(name: string, dims: (number | string)[], feed: (batch: FeedBatch) => FedTensor): string;
}

/** An atom with the attributes every atom carries (numeric layer, head and offset, −1 where not applicable). */
export function atom(id: string, component: string, layer: number, head: number, sign: string, feature: string, offset: number, readsReadout: boolean): Atom {
  return { id, attributes: { component, layer, head, sign, feature, offset, readsReadout: readsReadout ? 'yes' : 'no' } };
}

/** A value split by sign into two atoms `<id>.pos` (max(v, 0)) and `<id>.neg` (min(v, 0)). */
export function signedAtoms(id: string, component: string, layer: number, head: number, feature: string, readsReadout: boolean): Atom[] {
  return [
    atom(`${id}.pos`, component, layer, head, 'pos', feature, -1, readsReadout),
    atom(`${id}.neg`, component, layer, head, 'neg', feature, -1, readsReadout),
  ];
}

export function writeSigned(out: Float64Array, k: number, v: number): void {
  out[k] = v > 0 ? v : 0;
  out[k + 1] = v < 0 ? v : 0;
}

/** In the graph: values [batch, pos, n] → [batch, pos, 2n] with columns (pos, neg) per value, as signedAtoms lays them out. */
export function signedColumns(f: GraphFragment, values: string): string {
  const pos = f.node('Relu', [values]);
  const neg = f.node('Sub', [values, pos]);
  const column = f.int64('shape', [4], [0, 0, -1, 1]);
  const pairs = f.node('Concat', [f.node('Reshape', [pos, column]), f.node('Reshape', [neg, column])], { axis: 3 });
  return f.node('Reshape', [pairs, f.int64('shape', [3], [0, 0, -1])]);
}
