import type { LanguageModel } from '../model-dir/languageModel.js';
import type { LogitDirection } from '../behaviour/logitDirection.js';
import type { ResidualNorm } from '../onnx/modelStructure.js';

/**
 * A norm (LayerNorm or RMSNorm) at a residual-stream tensor x followed by a linear read-out u:
 * norm(x) · u = x · w / σ + β · u  with  w = γ ⊙ u (centred over the hidden axis for LayerNorm) and
 * σ = sqrt(mean((x − mean x)²) + ε) (no centring for RMSNorm). Freezing σ per position makes the read-out
 * linear in the components added to x: the direct effect of a component c is c · w / σ.
 */
export class NormReadout {
  private constructor(
    readonly dModel: number,
    readonly norm: ResidualNorm,
    private readonly gamma: Float32Array | null,
    private readonly beta: Float32Array | null,
  ) {}

  static async load(model: LanguageModel, norm: ResidualNorm, dModel: number): Promise<NormReadout> {
    const gamma = norm.scale ? await model.weight(norm.scale) : null;
    const beta = norm.bias ? await model.weight(norm.bias) : null;
    return new NormReadout(dModel, norm, gamma, beta);
  }

  /** w = γ ⊙ u, centred for LayerNorm; overwrites and returns u. */
  fold(u: Float32Array): Float32Array {
    if (this.gamma) for (let i = 0; i < this.dModel; i++) u[i] *= this.gamma[i];
    if (this.norm.kind === 'layernorm') {
      let m = 0;
      for (let i = 0; i < this.dModel; i++) m += u[i];
      m /= this.dModel;
      for (let i = 0; i < this.dModel; i++) u[i] -= m;
    }
    return u;
  }

  /** β · u: what the norm's bias adds to the read-out (0 without one). */
  biasTerm(u: ArrayLike<number>): number {
    if (!this.beta) return 0;
    let c = 0;
    for (let i = 0; i < this.dModel; i++) c += this.beta[i] * u[i];
    return c;
  }

  /** The norm's divisor σ for one position's residual vector x. */
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

/**
 * What direct-effect atoms are measured on: a norm at a residual-stream tensor (`norm.input`) followed by
 * a direction, value = Σ_components c · w / σ + constantTerm. The final readout (FinalReadout: ln_final →
 * unembedding → the behaviour's logit direction, per position) and an MLP unit's pre-activation
 * (UnitReadout: block L's ln_2 → W_in[:, unit], one fixed direction) are both this.
 */
export interface ResidualReadout {
  readonly dModel: number;
  readonly norm: ResidualNorm;
  /**
   * Which components write into the stream before the norm: attention heads of layers ≤ `attn` and MLPs of
   * layers ≤ `mlp` (Infinity: every layer), besides the embeddings.
   */
  readonly upstream: { attn: number; mlp: number };
  /** A stable key of the residual vector at a position with the behaviour's logit direction d (null: none there). */
  vectorKey(d: LogitDirection | null): string | null;
  /** The residual vector w at a position with the behaviour's logit direction d (null: none there). */
  vectorAt(d: LogitDirection | null): Float32Array | null;
  /** The norm's divisor σ for one position's residual vector (read at `norm.input`). */
  scale(x: Float32Array, offset?: number): number;
}
