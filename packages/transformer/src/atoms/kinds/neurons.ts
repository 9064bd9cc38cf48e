import { signedAtoms, type AtomKind } from '../atomKind.js';

/**
 * The sum of an MLP layer's positive and of its negative post-activations (blocks.L.mlp.hook_post,
 * [batch, pos, d_mlp]) at a position: atoms `L<layer>.neurons.pos` / `.neg`.
 */
export interface NeuronsSource {
  kind: 'neurons';
  atom: number;
  /** blocks.<layer>.mlp.hook_post */
  hook: string;
  layer: number;
  /** Computed at or after the unit a unit-above behaviour reads, at the same position (so from the answer). */
  readsReadout: boolean;
}

export const neuronAtoms: AtomKind<NeuronsSource> = {
  atoms: (s) => signedAtoms(`L${s.layer}.neurons`, 'mlp-neurons', s.layer, -1, 'post-activation', s.readsReadout),
  filler(s, js) {
    const slot = js.slot(s.hook);
    const k = s.atom;
    const at = js.at;
    return (out) => {
      // branch-free: from s = Σv and a = Σ|v|, Σ positive = (s + a)/2 and Σ negative = (s − a)/2
      const x = js.data[slot];
      const start = js.rowStart(slot, at.b, at.col);
      const end = start + js.rowSize[slot];
      let sum = 0;
      let abs = 0;
      for (let i = start; i < end; i++) {
        const v = x[i];
        sum += v;
        abs += Math.abs(v);
      }
      out[k] = (sum + abs) / 2;
      out[k + 1] = (sum - abs) / 2;
    };
  },
  graph(s, g) {
    const { f } = g;
    const x = g.tensor(s.hook);
    return f.node('Concat', [f.reduceSum(f.node('Relu', [x]), 2, 1), f.reduceSum(f.node('Min', [x, g.zero()]), 2, 1)], { axis: 2 });
  },
};
