import { OccamError } from '@occam/core';
import { ONNX_INT64 } from '../../onnx/onnxModel.js';
import { atom, type AtomKind, type FedTensor, type FeedBatch } from '../atomKind.js';

/**
 * Per head of one layer and token offset k = 0…maxOffset, the attention weight from position t to t − k
 * (attn.hook_pattern [batch, head, query, key]), 0 where t − k is before the prompt: atoms
 * `L<layer>.H<h>.attn.to-<k>` at atom + h·(maxOffset + 1) + k.
 */
export interface AttentionSource {
  kind: 'attention';
  atom: number;
  /** blocks.<layer>.attn.hook_pattern */
  hook: string;
  layer: number;
  heads: number;
  maxOffset: number;
  /** Computed at or after the unit a unit-above behaviour reads, at the same position (so from the answer). */
  readsReadout: boolean;
}

export const attentionAtoms: AtomKind<AttentionSource> = {
  atoms(s) {
    const out = [];
    for (let h = 0; h < s.heads; h++)
      for (let k = 0; k <= s.maxOffset; k++) out.push(atom(`L${s.layer}.H${h}.attn.to-${k}`, 'attn', s.layer, h, 'none', 'attention', k, s.readsReadout));
    return out;
  },
  filler(s, js) {
    const slot = js.slot(s.hook);
    const { heads, maxOffset: K } = s;
    const first = s.atom;
    const at = js.at;
    return (out) => {
      // query column col, key column col − k (a real token while k ≤ t)
      const data = js.data[slot];
      const W = js.dims[slot][2];
      const kMax = Math.min(K, at.t);
      for (let h = 0; h < heads; h++) {
        const row = ((at.b * heads + h) * W + at.col) * W + at.col;
        const o = first + h * (K + 1);
        for (let k = 0; k <= K; k++) out[o + k] = k <= kMax ? data[row - k] : 0;
      }
    };
  },
  graph(s, g) {
    if (g.opset < 11) throw new OccamError(`in-graph atoms: head-attention needs GatherElements (opset 11), the graph's opset is ${g.opset}`);
    const { f } = g;
    const { heads, maxOffset } = s;
    // the key column of each (query column, offset k), or `width` (a zero column appended to the pattern) where t − k is before the prompt
    const index = g.fedInput(`attention_index_${heads}_${maxOffset}`, ['batch', heads, 'pos', maxOffset + 1], (batch) => keyIndex(batch, heads, maxOffset));
    const pattern = g.tensor(s.hook);
    const zeros = f.node('Mul', [f.reduceSum(pattern, 3, 1), g.zero()]);
    const padded = f.node('Concat', [pattern, zeros], { axis: 3 });
    const picked = f.node('GatherElements', [padded, f.node('Cast', [index], { to: ONNX_INT64 })], { axis: 3 });
    // [batch, head, pos, offsets] → [batch, pos, head·offsets]
    return f.node('Reshape', [f.node('Transpose', [picked], { perm: [0, 2, 1, 3] }), f.int64('shape', [3], [0, 0, -1])]);
  },
};

/** [batch, heads, width, maxOffset + 1] float32: key column q − k of query column q while that is a token of the prompt (t ≥ k), else width. */
function keyIndex({ batch }: FeedBatch, heads: number, maxOffset: number): FedTensor {
  const K1 = maxOffset + 1;
  const W = batch.width;
  const B = batch.offsets.length;
  const data = new Float32Array(B * heads * W * K1);
  for (let b = 0; b < B; b++) {
    const row = new Float32Array(W * K1);
    for (let q = 0; q < W; q++) {
      const t = q - batch.offsets[b];
      for (let k = 0; k < K1; k++) row[q * K1 + k] = t >= k ? q - k : W;
    }
    for (let h = 0; h < heads; h++) data.set(row, (b * heads + h) * W * K1);
  }
  return { dims: [B, heads, W, K1], data };
}
