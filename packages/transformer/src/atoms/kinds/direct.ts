import { signedAtoms, signedColumns, writeSigned, type AtomKind } from '../atomKind.js';

/**
 * The direct effect on the readout of what one component writes into the residual stream: a
 * [batch, pos, d] hook x (blocks.0.hook_resid_pre for the embeddings, blocks.L.hook_mlp_out for an MLP),
 * x · w / σ with w the readout's direction and σ its norm's scale at the position (frozen, as in
 * TransformerLens' direct logit attribution), split by sign into `<id>.pos` / `<id>.neg`.
 */
export interface DirectSource {
  kind: 'direct';
  /** Index of the first of its atoms in the plan. */
  atom: number;
  hook: string;
  component: 'embed' | 'mlp';
  /** The MLP's layer; −1 for the embeddings. */
  layer: number;
}

export const directAtoms: AtomKind<DirectSource> = {
  atoms: (s) => signedAtoms(s.component === 'embed' ? 'embed' : `L${s.layer}.mlp`, s.component, s.layer, -1, 'direct-effect', true),
  filler(s, js) {
    const slot = js.slot(s.hook);
    const k = s.atom;
    const at = js.at;
    return (out) => {
      const w = at.w;
      if (!w) return writeSigned(out, k, 0);
      const x = js.data[slot];
      const start = js.rowStart(slot, at.b, at.col);
      let v = 0;
      for (let i = 0; i < w.length; i++) v += x[start + i] * w[i];
      writeSigned(out, k, v / at.sigma);
    };
  },
  graph(s, g) {
    const { w, sigma } = g.readout();
    const f = g.f;
    return signedColumns(f, f.node('Div', [f.reduceSum(f.node('Mul', [g.tensor(s.hook), w]), 2, 1), sigma]));
  },
};
