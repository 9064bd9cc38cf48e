import { OccamError } from '@occam/core';
import type { LogitDirection } from '../behaviour/logitDirection.js';
import type { LanguageModel } from '../model-dir/languageModel.js';
import { linearShape } from '../onnx/linearLayer.js';
import type { ResidualNorm } from '../onnx/modelStructure.js';
import { NormReadout, type ResidualReadout } from './normReadout.js';

/** `blocks.L.mlp.hook_post` / `blocks.L.mlp.hook_pre`: the layer of an MLP unit hook, else null. */
export function mlpUnitLayer(hook: string): number | null {
  const m = /^blocks\.(\d+)\.mlp\.hook_(?:pre|post)$/.exec(hook);
  return m ? Number(m[1]) : null;
}

/**
 * An MLP unit's pre-activation read from the residual stream: block L's MLP norm (ln_2 /
 * post_attention_layernorm) at `blocks.L.hook_resid_mid`, then column `unit` of the MLP input projection,
 *   pre = resid_mid · w / σ_L + β · W_in[:, unit] + b_in[unit],   w = γ_L ⊙ W_in[:, unit] (centred for LayerNorm).
 * For a gated MLP (act(gate) · up) the pre-activation is the gate projection's output. Only the embeddings,
 * the attention heads of layers ≤ L and the MLPs of layers < L write into resid_mid. One fixed direction:
 * the behaviour's logit direction is ignored.
 */
export class UnitReadout implements ResidualReadout {
  readonly upstream: { attn: number; mlp: number };
  private readonly key: string;

  private constructor(
    readonly layer: number,
    readonly unit: number,
    readonly dModel: number,
    private readonly normReadout: NormReadout,
    /** W_in[:, unit] */
    private readonly column: Float32Array,
    private readonly w: Float32Array,
    private readonly inBias: number,
  ) {
    this.upstream = { attn: layer, mlp: layer - 1 };
    this.key = `unit:${layer}:${unit}`;
  }

  get norm(): ResidualNorm {
    return this.normReadout.norm;
  }

  /** The readout of `unit` of an MLP hook (`blocks.L.mlp.hook_post` or `hook_pre`); throws naming the layout when block L's norm or input projection was not found. */
  static async load(model: LanguageModel, hook: string, unit: number): Promise<UnitReadout> {
    const L = mlpUnitLayer(hook);
    const s = model.structure;
    const blk = L === null ? undefined : s.blocks.find((b) => b.layer === L);
    if (L === null || !blk)
      throw new OccamError(`atoms: direct effects on '${hook}' need an MLP hook blocks.L.mlp.hook_post / hook_pre of a block of this model`, {
        field: 'behaviour.hook',
      });
    if (!blk.residMid || !blk.mlpIn || !blk.mlpNorm) {
      const missing = !blk.residMid
        ? 'blocks.' + L + '.hook_resid_mid'
        : !blk.mlpIn
          ? 'the MLP input projection (mlp.hook_pre)'
          : 'the MLP norm reading hook_resid_mid';
      throw new OccamError(
        `atoms: direct effects on '${hook}' need block ${L}'s norm at blocks.${L}.hook_resid_mid and its MLP input projection; ` +
          `${missing} was not found in this '${s.container}' layout (${s.problems.join('; ') || 'no further detail'})`,
        { field: 'atoms.families' },
      );
    }
    const [dIn, dMlp] = linearShape(blk.mlpIn);
    if (unit >= dMlp) throw new OccamError(`behaviour: unit ${unit} is beyond ${hook}'s ${dMlp} units`, { field: 'unit' });
    const weight = await model.weight(blk.mlpIn.weight);
    const column = new Float32Array(dIn);
    for (let i = 0; i < dIn; i++) column[i] = blk.mlpIn.transposed ? weight[unit * dIn + i] : weight[i * dMlp + unit];
    const bias = blk.mlpIn.bias ? (await model.weight(blk.mlpIn.bias))[unit] : 0;
    const normReadout = await NormReadout.load(model, blk.mlpNorm, dIn);
    return new UnitReadout(L, unit, dIn, normReadout, column, normReadout.fold(Float32Array.from(column)), bias);
  }

  vectorKey(_d: LogitDirection | null): string {
    return this.key;
  }

  /** w = γ_L ⊙ W_in[:, unit] (centred for LayerNorm), at every position. */
  vectorAt(_d?: LogitDirection | null): Float32Array {
    return this.w;
  }

  /** β_L · W_in[:, unit] + b_in[unit]: the pre-activation's part that no residual component carries. */
  constantTerm(): number {
    return this.normReadout.biasTerm(this.column) + this.inBias;
  }

  /** σ_L of one position's resid_mid vector. */
  scale(x: Float32Array, offset = 0): number {
    return this.normReadout.scale(x, offset);
  }
}
