import { createHash } from 'node:crypto';
import { OccamError } from '@occam/core';
import type { GraphExtension, LanguageModel } from '../model-dir/languageModel.js';
import { GraphFragment } from '../onnx/graphFragment.js';
import { ONNX_FLOAT, ONNX_INT64 } from '../onnx/onnxModel.js';
import type { AtomPlan } from './atomPlan.js';

/** Atoms computed by onnxruntime inside the model's graph: what to feed, what comes back, where it goes. */
export interface GraphAtoms {
  /** The nodes, initializers, input and output appended to the model (LanguageModel.run's `extension`). */
  extension: GraphExtension;
  /** The added output, [batch, pos, columns.length] float32. */
  output: string;
  /** The atom (index into plan.atoms) of each output column. */
  columns: number[];
  /**
   * The added input [batch, pos, d]: each position's residual-stream direction w (the plan readout's
   * vectorAt: FinalReadout's of the behaviour's logit direction, UnitReadout's one fixed vector; zeros where
   * there is none and on padding), or null when no atom reads it.
   */
  directionInput: string | null;
  dModel: number;
  /**
   * Added inputs [batch, heads, pos, maxOffset + 1] (float32, cast to int64 in the graph) for the
   * head-attention atoms: the key column of each (query column, offset k), or `width` (a zero column
   * appended to the pattern) where t − k is before the prompt. One per distinct head count.
   */
  attentionIndex: { input: string; heads: number; maxOffset: number }[];
}

const PREFIX = 'occam_atoms/';

/**
 * Append to the model's graph the nodes that compute a plan's graph atoms (every source but token features)
 * from the hook tensors (prompt atoms, computed from the tokens, stay in JS), the same quantities AtomPlan.fill computes in JS (which stays the fallback and the
 * reference; tested equal within float32 rounding):
 *   σ            = sqrt(mean((x − mean x)²) + ε) of the readout norm's residual x (ln_final's, or block L's
 *                  ln_2 at hook_resid_mid for an MLP unit; no centring for RMSNorm)
 *   direct       = ReduceSum(hook ⊙ w) / σ                           w = the fed direction [batch, pos, d]
 *   heads        = ReduceSum over d_head of (z ⊙ MatMul(w, W_Oᵀ)) / σ  per head [batch, pos, heads]
 *   pos / neg    = Relu(direct) / direct − Relu(direct)
 *   neurons      = ReduceSum(Relu(x)), ReduceSum(Min(x, 0))
 *   attention    = GatherElements(Concat(pattern, 0), key index fed per batch, axis 3)   [batch, head, pos, offsets] → [batch, pos, head·offsets]
 * so onnxruntime returns [batch, pos, atoms] instead of every hook's ~1 k values per position. W_O is the
 * model's own initializer when it is one (float32), else a float32 copy. Returns null when the plan has no
 * graph atoms (prompt atoms only); throws OccamError saying why when the graph cannot be extended.
 */
export async function buildGraphAtoms(model: LanguageModel, plan: AtomPlan): Promise<GraphAtoms | null> {
  const sources = plan.sources.filter((s) => s.kind !== 'prompt');
  if (sources.length === 0) return null;
  const opset = model.onnx.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset < 8) throw new OccamError(`in-graph atoms: the graph's opset ${opset || '(none)'} is older than 8`);
  const f = new GraphFragment(PREFIX, opset);
  const tensorOf = (hook: string) => {
    const name = model.resolveHooks([hook])[0].tensor;
    const type = model.onnx.graph.valueInfo.get(name)?.elemType ?? model.onnx.graph.outputs.find((o) => o.name === name)?.elemType ?? null;
    if (type !== null && type !== ONNX_FLOAT) throw new OccamError(`in-graph atoms: ${hook} (${name}) is not float32 (type ${type})`);
    return name;
  };

  const needsDirection = sources.some((s) => s.kind === 'direct' || s.kind === 'heads');
  const readout = plan.readout;
  let w: string | null = null;
  let sigma: string | null = null;
  const d = readout?.dModel ?? 0;
  if (needsDirection) {
    if (!readout || !plan.readoutHook) throw new OccamError('in-graph atoms: direct effects without a readout');
    w = f.input(`${PREFIX}direction`, ONNX_FLOAT, ['batch', 'pos', d]);
    const x = tensorOf(plan.readoutHook);
    const invD = f.float('inv_d', [], [1 / d]);
    let c = x;
    if (readout.norm.kind === 'layernorm') c = f.node('Sub', [x, f.node('Mul', [f.reduceSum(x, 2, 1), invD])]);
    const meanSquare = f.node('Mul', [f.reduceSum(f.node('Mul', [c, c]), 2, 1), invD]);
    sigma = f.node('Sqrt', [f.node('Add', [meanSquare, f.float('eps', [], [readout.norm.epsilon])])]);
  }

  const directPieces: string[] = [];
  const directAtoms: number[] = []; // atom index of the .pos atom of each direct column
  const neuronPieces: string[] = [];
  const neuronAtoms: number[] = [];
  const attentionIndex: GraphAtoms['attentionIndex'] = [];
  const zero = sources.some((s) => s.kind === 'neurons' || s.kind === 'attention') ? f.float('zero', [], [0]) : '';
  for (const s of sources) {
    if (s.kind === 'direct') {
      directPieces.push(f.reduceSum(f.node('Mul', [tensorOf(s.hook), w!]), 2, 1));
      directAtoms.push(s.atom);
    } else if (s.kind === 'heads') {
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
      const v = f.node('MatMul', [w!, wOT]);
      const z = f.node('Reshape', [tensorOf(s.hook), f.int64('shape', [3], [0, 0, -1])]);
      const perHead = f.node('Reshape', [f.node('Mul', [z, v]), f.int64('shape', [4], [0, 0, s.heads, s.dHead])]);
      directPieces.push(f.reduceSum(perHead, 3, 0));
      for (let h = 0; h < s.heads; h++) directAtoms.push(s.atom + 2 * h);
    } else if (s.kind === 'neurons') {
      const x = tensorOf(s.hook);
      neuronPieces.push(f.reduceSum(f.node('Relu', [x]), 2, 1), f.reduceSum(f.node('Min', [x, zero]), 2, 1));
      neuronAtoms.push(s.atom, s.atom + 1);
    } else if (s.kind === 'attention') {
      if (opset < 11) throw new OccamError(`in-graph atoms: head-attention needs GatherElements (opset 11), the graph's opset is ${opset}`);
      let index = attentionIndex.find((a) => a.heads === s.heads && a.maxOffset === s.maxOffset);
      if (!index) {
        index = {
          input: f.input(`${PREFIX}attention_index_${s.heads}_${s.maxOffset}`, ONNX_FLOAT, ['batch', s.heads, 'pos', s.maxOffset + 1]),
          heads: s.heads,
          maxOffset: s.maxOffset,
        };
        attentionIndex.push(index);
      }
      const pattern = tensorOf(s.hook);
      // a zero key column at index `width`, for offsets reaching before the prompt
      const zeros = f.node('Mul', [f.reduceSum(pattern, 3, 1), zero]);
      const padded = f.node('Concat', [pattern, zeros], { axis: 3 });
      const picked = f.node('GatherElements', [padded, f.node('Cast', [index.input], { to: ONNX_INT64 })], { axis: 3 });
      neuronPieces.push(f.node('Reshape', [f.node('Transpose', [picked], { perm: [0, 2, 1, 3] }), f.int64('shape', [3], [0, 0, -1])]));
      for (let c = 0; c < s.heads * (s.maxOffset + 1); c++) neuronAtoms.push(s.atom + c);
    }
  }
  const pieces = [...neuronPieces];
  const columns = [...neuronAtoms];
  if (directPieces.length) {
    const direct = f.node('Div', [directPieces.length === 1 ? directPieces[0] : f.node('Concat', directPieces, { axis: 2 }), sigma!]);
    const pos = f.node('Relu', [direct]);
    pieces.unshift(pos, f.node('Sub', [direct, pos]));
    columns.unshift(...directAtoms, ...directAtoms.map((a) => a + 1));
  }
  const output = f.output(f.node('Concat', pieces, { axis: 2 }, `${PREFIX}atoms`));
  const body = f.encode();
  return {
    extension: { key: createHash('sha256').update(body).digest('hex'), body, outputs: [output] },
    output,
    columns,
    directionInput: w,
    dModel: d,
    attentionIndex,
  };
}
