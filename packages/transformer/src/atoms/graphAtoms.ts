import { createHash } from 'node:crypto';
import { OccamError } from '@occam/core';
import type { ResolvedBehaviour } from '../behaviour/resolveBehaviour.js';
import type { PaddedBatch } from '../condition/padBatch.js';
import type { GraphExtension, LanguageModel } from '../model-dir/languageModel.js';
import { GraphFragment } from '../onnx/graphFragment.js';
import { ONNX_FLOAT } from '../onnx/onnxModel.js';
import type { FedTensor, FeedBatch, GraphAtomContext } from './atomKind.js';
import { atomKind } from './atomKinds.js';
import type { AtomPlan } from './atomPlan.js';

/** Atoms computed by onnxruntime inside the model's graph: what to feed, what comes back, where it goes. */
export interface GraphAtoms {
  /** The nodes, initializers, inputs and output appended to the model (LanguageModel.run's `extension`). */
  extension: GraphExtension;
  /** The added output, [batch, pos, columns.length] float32. */
  output: string;
  /** The atom (index into plan.atoms) of each output column. */
  columns: number[];
  /**
   * The added inputs' values for a batch of prompts (`tokens`, padded as `batch`): the readout's direction
   * w per position when direct effects are computed (the plan readout's vectorAt of the behaviour's
   * direction; zeros where there is none and on padding), and what the kinds feed (e.g. head-attention's
   * key columns).
   */
  feeds(batch: PaddedBatch, tokens: number[][], behaviour: ResolvedBehaviour): Record<string, FedTensor>;
}

const PREFIX = 'occam_atoms/';

/**
 * Append to the model's graph the nodes that compute a plan's atoms from the hook tensors, each source by
 * its kind's `graph` (atoms/kinds/), the same columns its JS filler writes (AtomPlan.fill stays the
 * fallback and the reference; tested equal within float32 rounding). Shared by the direct effects:
 *   w = the fed direction [batch, pos, d]
 *   σ = sqrt(mean((x − mean x)²) + ε) of the readout norm's residual x (ln_final's, or block L's ln_2 at
 *       hook_resid_mid for an MLP unit; no centring for RMSNorm)
 * so onnxruntime returns [batch, pos, atoms] instead of every hook's ~1 k values per position. Prompt
 * atoms (token features, input patterns) are computed from the tokens, not here. Returns null when the
 * plan has no graph atoms; throws OccamError saying why when the graph cannot be extended.
 */
export async function buildGraphAtoms(model: LanguageModel, plan: AtomPlan): Promise<GraphAtoms | null> {
  const sources = plan.sources.filter((s) => atomKind(s).graph !== null);
  if (sources.length === 0) return null;
  const opset = model.onnx.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset < 8) throw new OccamError(`in-graph atoms: the graph's opset ${opset || '(none)'} is older than 8`);
  const f = new GraphFragment(PREFIX, opset);
  const fed = new Map<string, (batch: FeedBatch) => FedTensor>();
  let readout: ReturnType<GraphAtomContext['readout']> | null = null;
  let zero: string | null = null;

  const g: GraphAtomContext = {
    f,
    model,
    opset,
    tensor(hook) {
      const name = model.resolveHooks([hook])[0].tensor;
      const type = model.onnx.graph.valueInfo.get(name)?.elemType ?? model.onnx.graph.outputs.find((o) => o.name === name)?.elemType ?? null;
      if (type !== null && type !== ONNX_FLOAT) throw new OccamError(`in-graph atoms: ${hook} (${name}) is not float32 (type ${type})`);
      return name;
    },
    readout() {
      if (readout) return readout;
      const r = plan.readout;
      if (!r || !plan.readoutHook) throw new OccamError('in-graph atoms: direct effects without a readout');
      const d = r.dModel;
      const w = g.fedInput('direction', ['batch', 'pos', d], (batch) => directionFeed(batch, d));
      const x = g.tensor(plan.readoutHook);
      const invD = f.float('inv_d', [], [1 / d]);
      let c = x;
      if (r.norm.kind === 'layernorm') c = f.node('Sub', [x, f.node('Mul', [f.reduceSum(x, 2, 1), invD])]);
      const meanSquare = f.node('Mul', [f.reduceSum(f.node('Mul', [c, c]), 2, 1), invD]);
      const sigma = f.node('Sqrt', [f.node('Add', [meanSquare, f.float('eps', [], [r.norm.epsilon])])]);
      readout = { w, sigma, dModel: d };
      return readout;
    },
    zero() {
      zero ??= f.float('zero', [], [0]);
      return zero;
    },
    fedInput(name, dims, feed) {
      const input = `${PREFIX}${name}`;
      if (!fed.has(input)) {
        f.input(input, ONNX_FLOAT, dims);
        fed.set(input, feed);
      }
      return input;
    },
  };

  const pieces: string[] = [];
  const columns: number[] = [];
  for (const s of sources) {
    const kind = atomKind(s);
    pieces.push(await kind.graph!(s, g));
    const n = kind.atoms(s).length;
    for (let i = 0; i < n; i++) columns.push(s.atom + i);
  }
  const output = f.output(f.node('Concat', pieces, { axis: 2 }, `${PREFIX}atoms`));
  const body = f.encode();
  return {
    extension: { key: createHash('sha256').update(body).digest('hex'), body, outputs: [output] },
    output,
    columns,
    feeds(batch, tokens, behaviour) {
      const r = plan.readout;
      const at: FeedBatch = { batch, tokens, direction: (b, t) => (r ? r.vectorAt(behaviour.direction(tokens[b], t)) : null) };
      const out: Record<string, FedTensor> = {};
      for (const [input, feed] of fed) out[input] = feed(at);
      return out;
    },
  };
}

/** [batch, width, d]: the readout's direction at each prompt position, zeros where there is none and on padding. */
function directionFeed({ batch, tokens, direction }: FeedBatch, d: number): FedTensor {
  const data = new Float32Array(tokens.length * batch.width * d);
  for (let b = 0; b < tokens.length; b++) {
    for (let t = 0; t < tokens[b].length; t++) {
      const w = direction(b, t);
      if (w) data.set(w, (b * batch.width + batch.offsets[b] + t) * d);
    }
  }
  return { dims: [tokens.length, batch.width, d], data };
}
