import { OccamError } from '@occam/core';
import { projectLogits, type LogitDirection } from '../behaviour/logitDirection.js';
import type { LanguageModel } from '../model-dir/languageModel.js';
import type { FinalNorm } from '../onnx/modelStructure.js';

/**
 * The last step of the model, logits = W_Uᵀ · norm(x) (+ b), folded so that a component c added to the
 * residual stream has the direct effect  DE(c) = c · w / σ  on a logit direction, where
 * w = γ ⊙ (W_U u) (centred over the hidden axis for LayerNorm) and σ is the final norm's scale at that
 * position (frozen, as in TransformerLens' direct logit attribution).
 */
export class FinalReadout {
  private readonly cache = new Map<string, Float32Array>();
  private lastKey: string | null = null;
  private lastVector: Float32Array | null = null;
  private readonly meanColumn: Float32Array;

  private constructor(
    readonly dModel: number,
    readonly vocabSize: number,
    private readonly unembed: Float32Array,
    private readonly transposed: boolean,
    private readonly gamma: Float32Array | null,
    private readonly beta: Float32Array | null,
    private readonly unembedBias: Float32Array | null,
    readonly norm: FinalNorm,
  ) {
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
      throw new OccamError(`${model.directory.dir}: direct effects need the final norm and unembedding, which were not found (${model.structure.problems.join('; ')})`);
    }
    const w = await model.weight(unembed.weight);
    const [rows, cols] = unembed.weight.dims;
    const d = unembed.transposed ? cols : rows;
    const V = unembed.transposed ? rows : cols;
    const gamma = finalNorm.scale ? await model.weight(finalNorm.scale) : null;
    const beta = finalNorm.bias ? await model.weight(finalNorm.bias) : null;
    const bias = unembed.bias ? await model.weight(unembed.bias) : null;
    return new FinalReadout(d, V, w, unembed.transposed, gamma, beta, bias, finalNorm);
  }

  private at(i: number, v: number): number {
    return this.transposed ? this.unembed[v * this.dModel + i] : this.unembed[i * this.vocabSize + v];
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
    const w = new Float32Array(this.dModel);
    const coefSum = d.terms.reduce((s, [, c]) => s + c, 0);
    for (let i = 0; i < this.dModel; i++) {
      let s = 0;
      for (const [tok, coef] of d.terms) s += coef * this.at(i, tok);
      if (d.centred) s -= coefSum * this.meanColumn[i];
      w[i] = this.gamma ? s * this.gamma[i] : s;
    }
    if (this.norm.kind === 'layernorm') {
      let m = 0;
      for (let i = 0; i < this.dModel; i++) m += w[i];
      m /= this.dModel;
      for (let i = 0; i < this.dModel; i++) w[i] -= m;
    }
    this.cache.set(d.key, w);
    this.lastKey = d.key;
    this.lastVector = w;
    return w;
  }

  /**
   * The part of a direction's logit value that no residual component carries: β · (W_U u) + b · u
   * (final-norm bias and unembedding bias). Σ direct effects + this = the direction's logit value.
   */
  constantTerm(d: LogitDirection): number {
    let c = this.unembedBias ? projectLogits(d, this.unembedBias) : 0;
    if (this.beta) {
      const coefSum = d.terms.reduce((s, [, k]) => s + k, 0);
      for (let i = 0; i < this.dModel; i++) {
        let s = 0;
        for (const [tok, coef] of d.terms) s += coef * this.at(i, tok);
        if (d.centred) s -= coefSum * this.meanColumn[i];
        c += this.beta[i] * s;
      }
    }
    return c;
  }

  /** The final norm's divisor σ for one position's residual vector x. */
  scale(x: Float32Array, offset = 0): number {
    const d = this.dModel;
    let mean = 0;
    if (this.norm.kind === 'layernorm') {
      for (let i = 0; i < d; i++) mean += x[offset + i];
      mean /= d;
    }
    let s = 0;
    for (let i = 0; i < d; i++) {
      const c = x[offset + i] - mean;
      s += c * c;
    }
    return Math.sqrt(s / d + this.norm.epsilon);
  }
}
