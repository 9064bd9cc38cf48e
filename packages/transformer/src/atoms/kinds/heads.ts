import type { LinearLayer } from '../../onnx/linearLayer.js';
import { ONNX_FLOAT } from '../../onnx/onnxModel.js';
import { signedAtoms, signedColumns, writeSigned, type AtomKind } from '../atomKind.js';

/**
 * The direct effect on the readout of each attention head of one layer: from attn.hook_z
 * [batch, pos, heads, d_head], z_h · (W_O w)_h / σ (the head's output through W_O, dotted with the readout's
 * direction w, over the norm's scale σ), split by sign: atoms `L<layer>.H<h>.attn.pos` / `.neg` at
 * atom + 2h, atom + 2h + 1.
 */
export interface HeadsSource {
  kind: 'heads';
  atom: number;
  /** blocks.<layer>.attn.hook_z */
  hook: string;
  layer: number;
  heads: number;
  dHead: number;
  /** The attention output projection W_O ([heads·d_head, d], or [d, heads·d_head] when transposed). */
  proj: LinearLayer;
}

/** Cached pulled-back vectors (per layer and readout direction) before the cache is emptied: bounds memory for large vocabularies. */
const VECTOR_CACHE_LIMIT = 4096;

export const headAtoms: AtomKind<HeadsSource> = {
  atoms: (s) => Array.from({ length: s.heads }, (_, h) => signedAtoms(`L${s.layer}.H${h}.attn`, 'attn', s.layer, h, 'direct-effect', true)).flat(),
  async filler(s, js) {
    const slot = js.slot(s.hook);
    const weight = await js.model.weight(s.proj.weight);
    const { heads, dHead, proj } = s;
    const first = s.atom;
    const at = js.at;
    // pulled-back vectors v = W_O · w by the readout's vector key, and the last one used (consecutive positions often share it)
    const vectors = new Map<string, Float32Array>();
    let lastKey: string | null = null;
    let lastVector: Float32Array | null = null;
    const headVector = (key: string, w: Float32Array): Float32Array => {
      if (lastKey === key) return lastVector!;
      let v = vectors.get(key);
      if (!v) {
        if (vectors.size >= VECTOR_CACHE_LIMIT) vectors.clear();
        const inDim = heads * dHead;
        const d = w.length;
        v = new Float32Array(inDim);
        if (!proj.transposed) {
          for (let k = 0; k < inDim; k++) {
            let sum = 0;
            const base = k * d;
            for (let i = 0; i < d; i++) sum += weight[base + i] * w[i];
            v[k] = sum;
          }
        } else {
          for (let i = 0; i < d; i++) {
            const wi = w[i];
            const base = i * inDim;
            for (let k = 0; k < inDim; k++) v[k] += weight[base + k] * wi;
          }
        }
        vectors.set(key, v);
      }
      lastKey = key;
      lastVector = v;
      return v;
    };
    return (out) => {
      const w = at.w;
      if (!w) {
        for (let h = 0; h < heads; h++) writeSigned(out, first + 2 * h, 0);
        return;
      }
      const z = js.data[slot];
      const start = js.rowStart(slot, at.b, at.col);
      const v = headVector(at.key, w);
      for (let h = 0; h < heads; h++) {
        let sum = 0;
        const off = h * dHead;
        for (let j = 0; j < dHead; j++) sum += z[start + off + j] * v[off + j];
        writeSigned(out, first + 2 * h, sum / at.sigma);
      }
    };
  },
  async graph(s, g) {
    const { f, model } = g;
    const { w, sigma, dModel: d } = g.readout();
    const inDim = s.heads * s.dHead;
    const ref = s.proj.weight;
    let wOT: string; // [d, heads·d_head]
    if (model.onnx.graph.initializers.get(ref.name) === ref && ref.dataType === ONNX_FLOAT) {
      wOT = s.proj.transposed ? ref.name : f.node('Transpose', [ref.name], { perm: [1, 0] });
    } else {
      const weight = await model.weight(ref);
      const m = new Float32Array(d * inDim);
      for (let i = 0; i < d; i++) for (let k = 0; k < inDim; k++) m[i * inDim + k] = s.proj.transposed ? weight[i * inDim + k] : weight[k * d + i];
      wOT = f.float('W_O_T', [d, inDim], m);
    }
    const v = f.node('MatMul', [w, wOT]);
    const z = f.node('Reshape', [g.tensor(s.hook), f.int64('shape', [3], [0, 0, -1])]);
    const perHead = f.node('Reshape', [f.node('Mul', [z, v]), f.int64('shape', [4], [0, 0, s.heads, s.dHead])]);
    return signedColumns(f, f.node('Div', [f.reduceSum(perHead, 3, 0), sigma]));
  },
};
