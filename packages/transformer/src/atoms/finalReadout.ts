import { OccamError } from '@occam/core';
import { projectLogits, type LogitDirection } from '../behaviour/logitDirection.js';
import type { LanguageModel } from '../model-dir/languageModel.js';
import type { FinalNorm } from '../onnx/modelStructure.js';
import { NormReadout, type ResidualReadout } from './normReadout.js';

/**
 * The last step of the model, logits = W_Uᵀ · norm(x) (+ b), folded so that a component c added to the
 * residual stream has the direct effect  DE(c) = c · w / σ  on a logit direction, where
 * w = γ ⊙ (W_U u) (centred over the hidden axis for LayerNorm) and σ is the final norm's scale at that
 * position (frozen, as in TransformerLens' direct logit attribution).
 */
export class FinalReadout implements ResidualReadout {
  private readonly cache = new Map<string, Float32Array>();
  private lastKey: string | null = null;
  private lastVector: Float32Array | null = null;
  private readonly meanColumn: Float32Array;
  readonly norm: FinalNorm;
  readonly upstream = { attn: Infinity, mlp: Infinity };

  private constructor(
    readonly dModel: number,
    readonly vocabSize: number,
    private readonly unembed: Float32Array,
    private readonly transposed: boolean,
    private readonly normReadout: NormReadout,
    private readonly unembedBias: Float32Array | null,
  ) {
    this.norm = normReadout.norm;
    this.meanColumn = new Float32Array(dModel);
    for (let i = 0; i < dModel; i++) {
      let s = 0;
      for (let v = 0; v < vocabSize; v++) s += this.at(i, v);
      this.meanColumn[i] = s / vocabSize;
    }
  }

  static async load(model: LanguageModel): Promise<FinalReadout> {
    const { unembed, finalNorm } = model.structure;
    if (!unembed || !finalNorm) {
      throw new OccamError(
        `${model.directory.dir}: direct effects need the final norm and unembedding, which were not found (${model.structure.problems.join('; ')})`,
      );
    }
    const w = await model.weight(unembed.weight);
    const [rows, cols] = unembed.weight.dims;
    const d = unembed.transposed ? cols : rows;
    const V = unembed.transposed ? rows : cols;
    const bias = unembed.bias ? await model.weight(unembed.bias) : null;
    return new FinalReadout(d, V, w, unembed.transposed, await NormReadout.load(model, finalNorm, d), bias);
  }

  private at(i: number, v: number): number {
    return this.transposed ? this.unembed[v * this.dModel + i] : this.unembed[i * this.vocabSize + v];
  }

  /** The direction pulled back through the unembedding: u = W_U (coef-weighted columns, minus the mean column when centred). */
  private pullBack(d: LogitDirection): Float32Array {
    const u = new Float32Array(this.dModel);
    const coefSum = d.terms.reduce((s, [, c]) => s + c, 0);
    for (let i = 0; i < this.dModel; i++) {
      let s = 0;
      for (const [tok, coef] of d.terms) s += coef * this.at(i, tok);
      if (d.centred) s -= coefSum * this.meanColumn[i];
      u[i] = s;
    }
    return u;
  }

  /** The residual-stream vector w of a logit direction (γ and LayerNorm centring folded in). */
  residualVector(d: LogitDirection): Float32Array {
    if (d.key === this.lastKey) return this.lastVector!;
    const hit = this.cache.get(d.key);
    if (hit) {
      this.lastKey = d.key;
      this.lastVector = hit;
      return hit;
    }
    if (this.cache.size >= 4096) this.cache.clear();
    const w = this.normReadout.fold(this.pullBack(d));
    this.cache.set(d.key, w);
    this.lastKey = d.key;
    this.lastVector = w;
    return w;
  }

  vectorKey(d: LogitDirection | null): string | null {
    return d ? d.key : null;
  }

  vectorAt(d: LogitDirection | null): Float32Array | null {
    return d ? this.residualVector(d) : null;
  }

  /**
   * The part of a direction's logit value that no residual component carries: β · (W_U u) + b · u
   * (final-norm bias and unembedding bias). Σ direct effects + this = the direction's logit value.
   */
  constantTerm(d: LogitDirection): number {
    const c = this.unembedBias ? projectLogits(d, this.unembedBias) : 0;
    return c + this.normReadout.biasTerm(this.pullBack(d));
  }

  /** The final norm's divisor σ for one position's residual vector x. */
  scale(x: Float32Array, offset = 0): number {
    return this.normReadout.scale(x, offset);
  }
}
