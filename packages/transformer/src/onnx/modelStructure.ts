import { OccamError } from '@occam/core';
import type { GraphIndex } from './graphIndex.js';
import { linearLayerProducing, type LinearLayer } from './linearLayer.js';
import type { OnnxNode, TensorRef } from './onnxModel.js';

/** How a hook's ONNX tensor is read: as it is, or [batch, pos, heads·d_head] split into [batch, pos, heads, d_head]. */
export type HookView = 'as-is' | 'split-heads';

/** One transformer block as found in the graph: residual stream tensors, branch outputs, projections. */
export interface BlockStructure {
  layer: number;
  residPre: string;
  /** After the attention branch is added (null when the block is not attention-then-MLP). */
  residMid: string | null;
  residPost: string;
  attnOut: string | null;
  mlpOut: string | null;
  /** Softmax output [batch, heads, query pos, key pos]. */
  pattern: string | null;
  /** Per-head attention output before the output projection. */
  z: { tensor: string; view: HookView } | null;
  /** attn_out = z_merged · W_O (+ b_O). */
  attnOutProj: LinearLayer | null;
  /** The MLP's hidden activation (the input of its output projection). */
  mlpPost: string | null;
  mlpOutProj: LinearLayer | null;
  /**
   * The MLP's input projection read by its hidden units (W_in; the gate projection of a gated MLP, whose
   * output goes through the activation), output = `mlp.hook_pre`; null when not recognised.
   */
  mlpIn: LinearLayer | null;
  /** The norm between `hook_resid_mid` and the MLP input projection (ln_2 / post_attention_layernorm). */
  mlpNorm: ResidualNorm | null;
}

/** A LayerNorm or RMSNorm applied to a residual-stream tensor (`input`), as found in the graph. */
export interface ResidualNorm {
  input: string;
  output: string;
  kind: 'layernorm' | 'rmsnorm';
  scale: TensorRef | null;
  bias: TensorRef | null;
  epsilon: number;
}

/** The norm before the unembedding (ln_final). */
export type FinalNorm = ResidualNorm;

export interface ModelStructure {
  /** The scope container blocks were found under: 'h' (GPT-2 style), 'layers' (Llama style), … */
  container: string;
  blocks: BlockStructure[];
  embed: string | null;
  posEmbed: string | null;
  finalNorm: FinalNorm | null;
  /** logits = ln_final(x) · W_U (+ b). */
  unembed: LinearLayer | null;
  logits: string;
  /** What was looked for and not found (the corresponding hooks are missing). */
  problems: string[];
}

/** Tensors a user could name directly when discovery fails: outputs of the ops that carry activations. */
export function rawTensorCandidates(index: GraphIndex, limit = 60): string[] {
  const ops = new Set(['Softmax', 'Add', 'MatMul', 'Gemm', 'LayerNormalization', 'SimplifiedLayerNormalization', 'Mul']);
  const out: string[] = [];
  for (const n of index.graph.nodes) {
    if (!ops.has(n.opType)) continue;
    for (const o of n.outputs) if (o && !index.isConstant(o)) out.push(o);
  }
  if (out.length <= limit) return out;
  return [...out.slice(0, limit), `… and ${out.length - limit} more`];
}

function isPatternSoftmax(index: GraphIndex, node: OnnxNode): boolean {
  // pattern @ v: the Softmax output (possibly through Cast/Dropout/Where) feeds a MatMul with a computed right operand
  const todo = [node.outputs[0]];
  for (let hops = 0; hops < 4 && todo.length; hops++) {
    const next: string[] = [];
    for (const t of todo) {
      for (const c of index.consumers.get(t) ?? []) {
        if (c.opType === 'MatMul' && c.inputs[0] === t && !index.isConstant(c.inputs[1])) return true;
        if (['Cast', 'Dropout', 'Where', 'Identity'].includes(c.opType)) next.push(c.outputs[0]);
      }
    }
    todo.splice(0, todo.length, ...next);
  }
  return false;
}

function permIs(node: OnnxNode | undefined, perm: number[]): boolean {
  const p = node?.attributes.get('perm')?.ints;
  return !!p && p.length === perm.length && p.every((v, i) => v === perm[i]);
}

function discoverBlock(index: GraphIndex, layer: number, members: Set<number>, problems: string[]): BlockStructure | null {
  const inBlock = (n: OnnxNode) => members.has(n.index);
  const tag = `layer ${layer}`;
  // The block's output: an Add result that nodes outside the block consume (the last one in order).
  let residPost: string | null = null;
  let best = -1;
  for (const i of members) {
    const node = index.graph.nodes[i];
    if (node.opType !== 'Add') continue;
    for (const o of node.outputs) {
      const leaves = (index.consumers.get(o) ?? []).some((c) => !inBlock(c)) || index.graphOutputs.has(o);
      if (leaves && node.index > best) {
        best = node.index;
        residPost = o;
      }
    }
  }
  if (residPost === null) {
    problems.push(`${tag}: no residual Add whose result leaves the block`);
    return null;
  }
  // Walk the residual chain back: at each Add, the stream is the input the other input is computed from.
  const branches: string[] = [];
  const streams: string[] = [residPost];
  let stream = residPost;
  for (;;) {
    const p = index.producer.get(stream);
    if (!p || !inBlock(p) || p.opType !== 'Add' || p.inputs.length !== 2) break;
    const [x, y] = p.inputs;
    if (index.dependsOn(y, x, inBlock)) {
      branches.unshift(y);
      stream = x;
    } else if (index.dependsOn(x, y, inBlock)) {
      branches.unshift(x);
      stream = y;
    } else break;
    streams.unshift(stream);
  }
  const residPre = stream;
  const pre = index.producer.get(residPre);
  if (pre && inBlock(pre)) problems.push(`${tag}: residual stream input not found (chain stops at ${residPre})`);
  if (branches.length === 0) {
    problems.push(`${tag}: no residual branches found before ${residPost}`);
    return null;
  }
  // Which branch is attention: the one holding a Softmax that weights values (pattern @ v).
  const branchSoftmax = branches.map((b, k) => {
    const nodes = index.ancestors(b, inBlock, new Set([streams[k]]));
    const sm = [...nodes].map((i) => index.graph.nodes[i]).filter((n) => n.opType === 'Softmax' && isPatternSoftmax(index, n));
    sm.sort((a, b2) => a.index - b2.index);
    return sm.length ? sm[sm.length - 1] : null;
  });
  const attnIdx = branchSoftmax.findIndex((s) => s !== null);
  if (attnIdx < 0) problems.push(`${tag}: no attention Softmax (pattern @ v) in any residual branch`);
  const mlpIdx = branches.findIndex((_, k) => k !== attnIdx && branchSoftmax[k] === null && (attnIdx < 0 ? true : k > attnIdx));
  const attnOut = attnIdx >= 0 ? branches[attnIdx] : null;
  const mlpOut = mlpIdx >= 0 ? branches[mlpIdx] : null;
  const residMid = attnIdx === 0 && branches.length === 2 ? streams[1] : null;

  let z: BlockStructure['z'] = null;
  const attnOutProj = attnOut ? linearLayerProducing(index, attnOut) : null;
  if (attnOut && !attnOutProj) problems.push(`${tag}: attention output projection (MatMul with constant weight) not found`);
  if (attnOutProj) {
    const merged = attnOutProj.input;
    const reshape = index.producer.get(merged);
    const transpose = reshape?.opType === 'Reshape' ? index.producer.get(reshape.inputs[0]) : undefined;
    if (reshape && transpose && transpose.opType === 'Transpose' && permIs(transpose, [0, 2, 1, 3])) {
      z = { tensor: reshape.inputs[0], view: 'as-is' };
    } else z = { tensor: merged, view: 'split-heads' };
  }
  const mlpOutProj = mlpOut ? linearLayerProducing(index, mlpOut) : null;
  if (mlpOut && !mlpOutProj) problems.push(`${tag}: MLP output projection not found`);
  const mlpPost = mlpOutProj ? mlpOutProj.input : null;
  const mlpIn = mlpPost && residMid ? discoverMlpIn(index, mlpPost, residMid, inBlock) : null;
  if (mlpPost && residMid && !mlpIn) problems.push(`${tag}: MLP input projection (MatMul with constant weight between resid_mid and ${mlpPost}) not found`);
  const mlpNorm = mlpIn ? discoverNorm(index, mlpIn.input, residMid!, inBlock, `${tag} MLP norm`, problems) : null;
  return {
    layer,
    residPre,
    residMid,
    residPost,
    attnOut,
    mlpOut,
    pattern: attnIdx >= 0 ? branchSoftmax[attnIdx]!.outputs[0] : null,
    z,
    attnOutProj,
    mlpPost,
    mlpOutProj,
    mlpIn,
    mlpNorm,
  };
}

/** Ops that make a gated MLP's gate branch nonlinear (its output feeds one of them; the up branch does not). */
const ACTIVATION_OPS = new Set([
  'Sigmoid',
  'Tanh',
  'Erf',
  'Relu',
  'Gelu',
  'FastGelu',
  'BiasGelu',
  'Softplus',
  'Elu',
  'LeakyRelu',
  'HardSigmoid',
  'HardSwish',
  'Mish',
  'QuickGelu',
]);

/**
 * The MLP input projection: among the linear layers (constant weights) between resid_mid and the MLP's hidden
 * activation `mlpPost`, the ones reading the normalised stream directly (no other linear layer upstream, so
 * the outermost match: with bias, through Conv1D Reshapes). One: W_in. Two (gated MLP): the one whose output
 * feeds an activation op (the gate); null otherwise.
 */
function discoverMlpIn(index: GraphIndex, mlpPost: string, residMid: string, inBlock: (n: OnnxNode) => boolean): LinearLayer | null {
  const nodes = [...index.ancestors(mlpPost, inBlock, new Set([residMid]))].sort((a, b) => b - a).map((i) => index.graph.nodes[i]);
  const byWeight = new Map<string, LinearLayer>();
  for (const n of nodes) {
    for (const o of n.outputs) {
      const l = o ? linearLayerProducing(index, o) : null;
      if (!l || byWeight.has(l.weight.name)) continue; // nodes go from the last: the first match of a weight is its outermost
      byWeight.set(l.weight.name, l);
    }
  }
  const isLinearOutput = (t: string) => [...byWeight.values()].some((l) => l.output === t);
  const first = [...byWeight.values()].filter(
    (l) =>
      !isLinearOutput(l.input) && ![...index.ancestors(l.input, inBlock, new Set([residMid]))].some((i) => index.graph.nodes[i].outputs.some(isLinearOutput)),
  );
  if (first.length === 1) return first[0];
  if (first.length === 2) {
    const gates = first.filter((l) => (index.consumers.get(l.output) ?? []).some((c) => ACTIVATION_OPS.has(c.opType)));
    return gates.length === 1 ? gates[0] : null;
  }
  return null;
}

function discoverEmbeddings(index: GraphIndex, residPre0: string): { embed: string | null; posEmbed: string | null } {
  const outside = (n: OnnxNode) => index.layerOf[n.index] === null;
  const nodes = [...index.ancestors(residPre0, outside)].map((i) => index.graph.nodes[i]);
  let embed: string | null = null;
  let posEmbed: string | null = null;
  const idsInput = [...index.graphInputs].find((n) => n === 'input_ids') ?? [...index.graphInputs][0];
  for (const n of nodes.sort((a, b) => a.index - b.index)) {
    if (n.opType !== 'Gather') continue;
    const table = index.constantRef(n.inputs[0]);
    if (!table || table.dims.length !== 2) continue;
    if (idsInput && index.dependsOn(n.inputs[1], idsInput, () => true) && embed === null) embed = n.outputs[0];
    else if (posEmbed === null) posEmbed = n.outputs[0];
  }
  return { embed, posEmbed };
}

/**
 * The norm producing `normalized` from the residual tensor `resid` (nodes where `inScope` holds): a
 * LayerNormalization / SimplifiedLayerNormalization / RMSNormalization node, or its decomposition
 * (centred → LayerNorm, else RMSNorm; ε read from the graph). `what` names it in problems.
 */
function discoverNorm(
  index: GraphIndex,
  normalized: string,
  resid: string | null,
  inScope: (n: OnnxNode) => boolean,
  what: string,
  problems: string[],
): ResidualNorm | null {
  const p = index.producer.get(normalized);
  if (!p) return null;
  if (p.opType === 'LayerNormalization' || p.opType === 'SimplifiedLayerNormalization' || p.opType === 'RMSNormalization') {
    const missing = p.inputs.slice(1).filter((i) => i && !index.constantRef(i));
    if (missing.length) {
      problems.push(`${what} ${p.name}: scale/bias ${missing.join(', ')} are not constants of the graph`);
      return null;
    }
    return {
      input: p.inputs[0],
      output: normalized,
      kind: p.opType === 'LayerNormalization' ? 'layernorm' : 'rmsnorm',
      scale: p.inputs[1] ? index.constantRef(p.inputs[1]) : null,
      bias: p.inputs[2] ? index.constantRef(p.inputs[2]) : null,
      epsilon: p.attributes.get('epsilon')?.f ?? 1e-5,
    };
  }
  // Decomposed: (x̂ · γ) + β or x̂ · γ, x̂ from Sub/ReduceMean/Pow/Sqrt/Div (LN) or Pow/ReduceMean/Sqrt (RMS).
  const lastResid = resid;
  if (!lastResid || !index.dependsOn(normalized, lastResid, inScope)) {
    problems.push(`${what}: ${normalized} is not computed from ${lastResid ?? 'the residual stream'}`);
    return null;
  }
  let bias: TensorRef | null = null;
  let scale: TensorRef | null = null;
  let t = normalized;
  let node = index.producer.get(t);
  if (node?.opType === 'Add') {
    const c = node.inputs.find((i) => index.isConstant(i));
    if (c) {
      bias = index.constantRef(c);
      t = node.inputs.find((i) => i !== c)!;
      node = index.producer.get(t);
    }
  }
  if (node?.opType === 'Mul') {
    const c = node.inputs.find((i) => index.isConstant(i));
    const ref = c ? index.constantRef(c) : null;
    if (ref && ref.dims.length === 1) scale = ref;
  }
  const path = [...index.ancestors(normalized, inScope, new Set([lastResid]))].map((i) => index.graph.nodes[i]);
  const centred = path.some((n) => n.opType === 'Sub' && n.inputs.includes(lastResid));
  let epsilon = 1e-5;
  for (const n of path) {
    if (n.opType !== 'Add') continue;
    for (const i of n.inputs) {
      const v = index.scalarValue(i);
      if (v !== null && v > 0 && v < 1e-2) epsilon = v;
    }
  }
  return { input: lastResid, output: normalized, kind: centred ? 'layernorm' : 'rmsnorm', scale, bias, epsilon };
}

/**
 * Find the transformer's structure from graph.node: blocks by scope (`h.{i}`, `layers.{i}` anywhere in a
 * node's scope), the residual chain by walking back from each block's output Add (at each Add the stream
 * is the input the other input is computed from), attention as the branch holding a Softmax that weights
 * values, projections as MatMul/Gemm with constant weights, the final norm and unembedding backwards
 * from the logits. Throws an OccamError listing raw tensor names when no block is recognisable.
 */
export function discoverModelStructure(index: GraphIndex): ModelStructure {
  const problems: string[] = [];
  const byLayer = new Map<number, Set<number>>();
  const containers = new Map<string, number>();
  for (const scope of index.layerOf) if (scope) containers.set(scope.container, (containers.get(scope.container) ?? 0) + 1);
  const container = [...containers.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  index.layerOf.forEach((scope, i) => {
    if (!scope || scope.container !== container) return;
    if (!byLayer.has(scope.layer)) byLayer.set(scope.layer, new Set());
    byLayer.get(scope.layer)!.add(i);
  });
  const unknown = (why: string) =>
    new OccamError(
      `unknown model layout: ${why}. Canonical hooks need blocks scoped like '/transformer/h.{i}/…' or '/model/layers.{i}/…'. ` +
        `Request raw tensor names instead, e.g.:\n  ${rawTensorCandidates(index).join('\n  ')}`,
    );
  if (!container || byLayer.size === 0) throw unknown('no node scope names a layer (h.{i}, layers.{i}, blocks.{i})');
  const blocks: BlockStructure[] = [];
  for (const layer of [...byLayer.keys()].sort((a, b) => a - b)) {
    const b = discoverBlock(index, layer, byLayer.get(layer)!, problems);
    if (b) blocks.push(b);
  }
  if (blocks.length === 0) throw unknown(problems.join('; '));
  const logits = index.graphOutputs.has('logits') ? 'logits' : index.graph.outputs[0]?.name;
  const unembed = logits ? linearLayerProducing(index, logits) : null;
  if (!unembed) problems.push(`unembedding (MatMul with constant weight producing ${logits}) not found`);
  const lastResid = blocks[blocks.length - 1].residPost;
  const finalNorm = unembed ? discoverNorm(index, unembed.input, lastResid, (n) => index.layerOf[n.index] === null, 'final norm', problems) : null;
  if (unembed && !finalNorm) problems.push('final norm not recognised');
  const { embed, posEmbed } = discoverEmbeddings(index, blocks[0].residPre);
  return { container: container!, blocks, embed, posEmbed, finalNorm, unembed, logits, problems };
}
