import { OccamError, type Atom } from '@occam/core';
import type { LogitDirection } from '../behaviour/logitDirection.js';
import type { ResolvedBehaviour } from '../behaviour/resolveBehaviour.js';
import type { ForwardOutput, HookTensor, LanguageModel } from '../model-dir/languageModel.js';
import type { LinearLayer } from '../onnx/linearLayer.js';
import { FinalReadout } from './finalReadout.js';
import { answerTokens, inputPatternAtoms, inputPatternColumns, resolveInputPatterns, type ResolvedInputPatterns } from './inputPatterns.js';
import type { ResidualReadout } from './normReadout.js';
import { tokenFeature } from './tokenFeatures.js';
import { mlpUnitLayer, UnitReadout } from './unitReadout.js';
import {
  ALL_FAMILIES,
  AtomSelectionSchema,
  DEFAULT_ATTENTION_ATOM_LIMIT,
  DEFAULT_FAMILIES,
  READOUT_FAMILIES,
  type AtomFamily,
  type AtomSelection,
  type AtomSelectionInput,
} from './schema.js';

/** Values per (batch row, position) of a hook tensor: the product of its dims after the first two. */
function rowSize(t: HookTensor): number {
  let size = 1;
  for (let i = 2; i < t.dims.length; i++) size *= t.dims[i];
  return size;
}

interface HeadBlock {
  layer: number;
  hook: string;
  heads: number;
  dHead: number;
  proj: LinearLayer;
  weight: Float32Array;
  /** Pulled-back vectors v = W_O · w by the readout's vector key, and the last one used (consecutive positions often share it). */
  vectors: Map<string, Float32Array>;
  lastKey: string | null;
  lastVector: Float32Array | null;
}

/**
 * Which atoms a dataset gets and how each is computed at a token position from one forward pass.
 * Atoms carry attributes {component, layer, head, sign, feature, offset, readsReadout} (numeric layer,
 * head and offset, −1 where not applicable; categorical component/sign/feature; readsReadout 'yes' for
 * the direct effects onto the behaviour's own readout, 'no' otherwise), so a spec can group by any of them.
 */
export interface AtomPlan {
  atoms: Atom[];
  families: AtomFamily[];
  /** Whether some atoms read the behaviour's readout (direct-effect families, only with includeReadoutAtoms). */
  readsReadout: boolean;
  /** The selection after defaults, as used. */
  selection: AtomSelection;
  /** What the selection left out and why (e.g. a default family too large for this model); empty when nothing. */
  notes: string[];
  /** Input patterns resolved against the tokenizer (null without the input-patterns family). */
  inputPatterns: ResolvedInputPatterns | null;
  /**
   * The atoms computed from the prompt alone (token features, input patterns): one column per `prompt`
   * source, in source order, each holding the values at every position of the prompt.
   */
  promptColumns(tokens: number[]): Float32Array[];
  /** Hooks the atoms read (fetch these per batch; nothing else is kept). */
  hooks: string[];
  /** Write every atom's value at (batch row b, padded column col, prompt position t) into out[0..atoms); `features` = promptColumns(prompt). */
  fill(run: ForwardOutput, b: number, col: number, features: Float32Array[], t: number, direction: LogitDirection | null, out: Float64Array): void;
  /**
   * What the direct-effect atoms are measured on (null without them): the final readout (ln_final →
   * the behaviour's logit direction) for logit behaviours, block L's MLP norm → W_in[:, unit] (UnitReadout)
   * for `unit-above` on an MLP unit.
   */
  readout: FinalReadout | UnitReadout | null;
  /** How each atom is computed (what `fill` does), for computing them elsewhere: in the ONNX graph, atoms/graphAtoms.ts. */
  sources: AtomSource[];
  /** The hook whose vector gives the readout norm's σ of a position (null without direct-effect atoms). */
  readoutHook: string | null;
}

/**
 * One entry of an atom plan, by what `fill` computes (w = the readout's residual-stream direction at the
 * position, σ = the readout norm's scale there, signed pairs at atoms k (pos) and k + 1 (neg)):
 * - direct   a [batch, pos, d] hook x: x · w / σ, split by sign
 * - heads    attn.hook_z: per head h, z_h · (W_O w)_h / σ, split by sign, pairs at k + 2h
 * - neurons  a [batch, pos, n] hook: Σ of its positive / of its negative values
 * - attention attn.hook_pattern [batch, head, query, key]: pattern[h, t, t − k] for k = 0…maxOffset, at atom k + h·(maxOffset + 1), 0 where t − k < 0
 * - prompt   column `column` of promptColumns (a token feature or an input pattern: from the prompt, not the graph) at atom k
 */
export type AtomSource =
  | { kind: 'direct'; hook: string; atom: number }
  | { kind: 'heads'; hook: string; atom: number; heads: number; dHead: number; proj: LinearLayer }
  | { kind: 'neurons'; hook: string; atom: number }
  | { kind: 'attention'; hook: string; atom: number; heads: number; maxOffset: number }
  | { kind: 'prompt'; atom: number; column: number };

/** Cached pulled-back vectors (per layer and logit direction) before the cache is emptied: bounds memory for large vocabularies. */
const VECTOR_CACHE_LIMIT = 4096;

function atom(id: string, component: string, layer: number, head: number, sign: string, feature: string, offset: number, readsReadout: boolean): Atom {
  return { id, attributes: { component, layer, head, sign, feature, offset, readsReadout: readsReadout ? 'yes' : 'no' } };
}

/**
 * Where a canonical hook sits in the forward pass, as a stage number: block L's attention at 2L (resid_pre
 * just before), its MLP at 2L + 1 (resid_mid just before, resid_post just after); null for a raw tensor
 * name. An atom of a later or equal stage than a unit-above behaviour's hook is computed from the unit.
 */
export function hookStage(hook: string): number | null {
  const m = /^blocks\.(\d+)\.(.+)$/.exec(hook);
  if (!m) return hook === 'hook_embed' || hook === 'hook_pos_embed' ? -1 : hook === 'ln_final.hook_normalized' ? Infinity : null;
  const L = Number(m[1]);
  const rest = m[2];
  if (rest === 'hook_resid_pre') return 2 * L - 0.5;
  if (rest.startsWith('attn.') || rest === 'hook_attn_out') return 2 * L;
  if (rest === 'hook_resid_mid') return 2 * L + 0.5;
  if (rest.startsWith('mlp.') || rest === 'hook_mlp_out') return 2 * L + 1;
  if (rest === 'hook_resid_post') return 2 * L + 1.5;
  return null;
}

/**
 * Direct effects are measured on the final readout for logit behaviours, on an MLP unit's pre-activation for
 * `unit-above` on `blocks.L.mlp.hook_post` / `hook_pre` (UnitReadout); any other unit has no readout.
 */
async function loadReadout(model: LanguageModel, behaviour: ResolvedBehaviour): Promise<FinalReadout | UnitReadout> {
  const spec = behaviour.spec;
  return spec.kind === 'unit-above' ? UnitReadout.load(model, spec.hook, spec.unit) : FinalReadout.load(model);
}

/**
 * The plan for a selection (defaults applied here: AtomSelectionSchema). `explicitFamilies` (default: the
 * selection names families) makes families the behaviour cannot have an error instead of being dropped.
 * Families that read the behaviour's readout need `includeReadoutAtoms: true`.
 */
export async function buildAtomPlan(
  model: LanguageModel,
  selectionInput: AtomSelectionInput | AtomSelection,
  behaviour: ResolvedBehaviour,
  explicitFamilies?: boolean,
): Promise<AtomPlan> {
  const parsedSelection = AtomSelectionSchema.safeParse(selectionInput);
  if (!parsedSelection.success) {
    const issue = parsedSelection.error.issues[0];
    throw new OccamError(`atoms.${issue.path.join('.')}: ${issue.message}`, { field: `atoms.${issue.path.join('.')}` });
  }
  const selection = parsedSelection.data;
  const explicit = explicitFamilies ?? selection.families !== undefined;
  const s = model.structure;
  const spec = behaviour.spec;
  const hasReadout = spec.kind !== 'unit-above' || mlpUnitLayer(spec.hook) !== null;
  const direct = (f: AtomFamily) => READOUT_FAMILIES.includes(f);
  if (selection.families?.some(direct) && !selection.includeReadoutAtoms) {
    throw new OccamError(
      `atoms: ${selection.families.filter(direct).join(', ')} read the behaviour's own readout (they add up to the value '${behaviour.label}' is decided on, so they predict it for any weights, random ones too). ` +
        `Set atoms.includeReadoutAtoms: true to use them anyway (outputs then say that the atoms read the answer), or drop them from atoms.families.`,
      { field: 'atoms.families' },
    );
  }
  let families: AtomFamily[] = selection.families ?? ALL_FAMILIES.filter((f) => DEFAULT_FAMILIES.includes(f) || (selection.includeReadoutAtoms && direct(f)));
  if (!hasReadout) {
    if (explicit && families.some(direct)) {
      throw new OccamError(
        `atoms: ${families.filter(direct).join(', ')} need a logit behaviour or a unit of an MLP hook (blocks.L.mlp.hook_post / hook_pre); '${behaviour.label}' reads neither. Use mlp-neurons, input-patterns and token-features.`,
        { field: 'atoms.families' },
      );
    }
    families = families.filter((f) => !direct(f));
  }
  const notes: string[] = [];
  // unit-above: internal atoms at or after the unit (same position) are computed from the answer itself
  const unitStage = spec.kind === 'unit-above' ? hookStage(spec.hook) : null;
  if (spec.kind === 'unit-above' && unitStage === null && (families.includes('mlp-neurons') || families.includes('head-attention'))) {
    notes.push(
      `the behaviour reads '${spec.hook}', not a canonical hook: which neuron-sum and attention atoms are computed from it (downstream at the same position) is not known, so none is marked as reading the answer`,
    );
  }
  const downstream = (stage: number) => unitStage !== null && stage >= unitStage;
  const skippedDownstream: string[] = [];
  const attentionBlocks = s.blocks.filter((blk) => blk.pattern !== null);
  let attentionShapes: Awaited<ReturnType<LanguageModel['hookShapes']>> = [];
  if (families.includes('head-attention')) {
    const hooksWanted = attentionBlocks.map((blk) => `blocks.${blk.layer}.attn.hook_pattern`);
    if (hooksWanted.length === 0) {
      if (explicit)
        throw new OccamError(`atoms: head-attention needs attn.hook_pattern, not found (${s.problems.join('; ') || 'no attention Softmax recognised'})`, {
          field: 'atoms.families',
        });
      families = families.filter((f) => f !== 'head-attention');
    } else {
      attentionShapes = await model.hookShapes(hooksWanted);
      const total = attentionShapes.reduce((n, h) => n + (typeof h.dims[1] === 'number' ? h.dims[1] : 0), 0) * (selection.headAttention.maxOffset + 1);
      if (!explicit && total > DEFAULT_ATTENTION_ATOM_LIMIT) {
        families = families.filter((f) => f !== 'head-attention');
        notes.push(
          `head-attention left out: ${total} atoms (heads × ${selection.headAttention.maxOffset + 1} offsets) is more than the default's ${DEFAULT_ATTENTION_ATOM_LIMIT}; name it in atoms.families (and lower atoms.headAttention.maxOffset) to have it`,
        );
      }
    }
  }
  const needReadout = families.some(direct);
  const readout = needReadout ? await loadReadout(model, behaviour) : null;
  const upstream: ResidualReadout['upstream'] = readout?.upstream ?? { attn: Infinity, mlp: Infinity };
  const atoms: Atom[] = [];
  const hooks = new Set<string>();

  // Hook tensors are bound once per forward output (not looked up per position): slot i holds hook
  // slotHooks[i]'s data, its values per position and its padded width.
  const slotHooks: string[] = [];
  const slotOf = (hook: string) => {
    hooks.add(hook);
    const i = slotHooks.indexOf(hook);
    return i >= 0 ? i : slotHooks.push(hook) - 1;
  };
  let boundRun: ForwardOutput | null = null;
  const slotData: Float32Array[] = [];
  const slotSize: number[] = [];
  const slotWidth: number[] = [];
  const slotDims: number[][] = [];
  const bind = (run: ForwardOutput) => {
    for (let i = 0; i < slotHooks.length; i++) {
      const t = run.hooks.get(slotHooks[i]);
      if (!t) throw new OccamError(`atoms: the forward output lacks hook '${slotHooks[i]}' (fetch plan.hooks)`);
      slotData[i] = t.data;
      slotSize[i] = rowSize(t);
      slotWidth[i] = t.dims[1];
      slotDims[i] = t.dims;
    }
    boundRun = run;
  };
  /** Where (batch row b, padded column col) starts in slot i's data. */
  const rowStart = (i: number, b: number, col: number) => (b * slotWidth[i] + col) * slotSize[i];

  // One position's state, shared by the fillers (one object for the plan, overwritten per position).
  const at = { b: 0, col: 0, t: 0, feats: [] as Float32Array[], w: null as Float32Array | null, sigma: 1, key: '' };
  type Filler = (out: Float64Array) => void;
  const fillers: Filler[] = [];
  const sources: AtomSource[] = [];
  const readoutHook = readout ? (model.hooks.find((h) => h.tensor === readout.norm.input)?.name ?? readout.norm.input) : null;
  const readoutSlot = readoutHook ? slotOf(readoutHook) : -1;

  const dot = (data: Float32Array, start: number, w: Float32Array) => {
    let v = 0;
    for (let i = 0; i < w.length; i++) v += data[start + i] * w[i];
    return v;
  };
  const pushSigned = (idBase: string, component: string, layer: number, head: number, feature: string, fromAnswer = false) => {
    const k = atoms.length;
    const readsReadout = feature === 'direct-effect' || fromAnswer;
    atoms.push(atom(`${idBase}.pos`, component, layer, head, 'pos', feature, -1, readsReadout));
    atoms.push(atom(`${idBase}.neg`, component, layer, head, 'neg', feature, -1, readsReadout));
    return k;
  };
  const writeSigned = (out: Float64Array, k: number, v: number) => {
    out[k] = v > 0 ? v : 0;
    out[k + 1] = v < 0 ? v : 0;
  };
  /** Direct effect of a [batch, pos, d] hook: its vector · w / σ. */
  const directFiller =
    (slot: number, k: number): Filler =>
    (out) => {
      if (!at.w) return writeSigned(out, k, 0);
      writeSigned(out, k, dot(slotData[slot], rowStart(slot, at.b, at.col), at.w) / at.sigma);
    };

  if (families.includes('embed-direct')) {
    const hook = s.blocks[0] ? `blocks.${s.blocks[0].layer}.hook_resid_pre` : null;
    if (!hook) throw new OccamError('atoms: embed-direct needs blocks.0.hook_resid_pre');
    const k = pushSigned('embed', 'embed', -1, -1, 'direct-effect');
    fillers.push(directFiller(slotOf(hook), k));
    sources.push({ kind: 'direct', hook, atom: k });
  }

  const headBlocks: HeadBlock[] = [];
  if (families.includes('head-direct')) {
    const zHooks = s.blocks.filter((blk) => blk.z && blk.attnOutProj && blk.layer <= upstream.attn).map((blk) => `blocks.${blk.layer}.attn.hook_z`);
    if (zHooks.length === 0)
      throw new OccamError(`atoms: head-direct needs attn.hook_z and the attention output projection, not found (${s.problems.join('; ')})`);
    const shapes = await model.hookShapes(zHooks);
    for (const blk of s.blocks) {
      if (!blk.z || !blk.attnOutProj || blk.layer > upstream.attn) continue;
      const hook = `blocks.${blk.layer}.attn.hook_z`;
      const dims = shapes.find((x) => x.name === hook)!.dims;
      const heads = dims[2];
      const dHead = dims[3];
      if (typeof heads !== 'number' || typeof dHead !== 'number') {
        throw new OccamError(`atoms: ${hook} has shape ${JSON.stringify(dims)}; expected [batch, pos, heads, d_head] (config.json lacks n_head?)`);
      }
      const weight = await model.weight(blk.attnOutProj.weight);
      headBlocks.push({ layer: blk.layer, hook, heads, dHead, proj: blk.attnOutProj, weight, vectors: new Map(), lastKey: null, lastVector: null });
    }
  }

  // per-head pulled-back vectors v = W_O · w, cached per layer by the readout's vector key
  const headVector = (hb: HeadBlock, key: string, w: Float32Array): Float32Array => {
    if (hb.lastKey === key) return hb.lastVector!;
    let v = hb.vectors.get(key);
    if (!v) {
      if (hb.vectors.size >= VECTOR_CACHE_LIMIT) hb.vectors.clear();
      const inDim = hb.heads * hb.dHead;
      const d = w.length;
      v = new Float32Array(inDim);
      if (!hb.proj.transposed) {
        for (let k = 0; k < inDim; k++) {
          let sum = 0;
          const base = k * d;
          for (let i = 0; i < d; i++) sum += hb.weight[base + i] * w[i];
          v[k] = sum;
        }
      } else {
        for (let i = 0; i < d; i++) {
          const wi = w[i];
          const base = i * inDim;
          for (let k = 0; k < inDim; k++) v[k] += hb.weight[base + k] * wi;
        }
      }
      hb.vectors.set(key, v);
    }
    hb.lastKey = key;
    hb.lastVector = v;
    return v;
  };

  for (const blk of s.blocks) {
    const L = blk.layer;
    const hb = headBlocks.find((h) => h.layer === L);
    if (hb) {
      const slot = slotOf(hb.hook);
      const first = atoms.length;
      for (let h = 0; h < hb.heads; h++) pushSigned(`L${L}.H${h}.attn`, 'attn', L, h, 'direct-effect');
      const { heads, dHead } = hb;
      sources.push({ kind: 'heads', hook: hb.hook, atom: first, heads, dHead, proj: hb.proj });
      fillers.push((out) => {
        const w = at.w;
        if (!w) {
          for (let h = 0; h < heads; h++) writeSigned(out, first + 2 * h, 0);
          return;
        }
        const z = slotData[slot];
        const start = rowStart(slot, at.b, at.col);
        const v = headVector(hb, at.key, w);
        for (let h = 0; h < heads; h++) {
          let sum = 0;
          const off = h * dHead;
          for (let j = 0; j < dHead; j++) sum += z[start + off + j] * v[off + j];
          writeSigned(out, first + 2 * h, sum / at.sigma);
        }
      });
    }
    if (families.includes('mlp-direct') && blk.mlpOut && L <= upstream.mlp) {
      const hook = `blocks.${L}.hook_mlp_out`;
      const k = pushSigned(`L${L}.mlp`, 'mlp', L, -1, 'direct-effect');
      fillers.push(directFiller(slotOf(hook), k));
      sources.push({ kind: 'direct', hook, atom: k });
    }
    const neuronsDownstream = downstream(2 * L + 1);
    const attentionDownstream = downstream(2 * L);
    if (families.includes('mlp-neurons') && blk.mlpPost && neuronsDownstream && !selection.includeReadoutAtoms) skippedDownstream.push(`L${L}.neurons`);
    else if (families.includes('mlp-neurons') && blk.mlpPost) {
      const hook = `blocks.${L}.mlp.hook_post`;
      const slot = slotOf(hook);
      const k = pushSigned(`L${L}.neurons`, 'mlp-neurons', L, -1, 'post-activation', neuronsDownstream);
      sources.push({ kind: 'neurons', hook, atom: k });
      fillers.push((out) => {
        // branch-free: from s = Σv and a = Σ|v|, Σ positive = (s + a)/2 and Σ negative = (s − a)/2
        const x = slotData[slot];
        const start = rowStart(slot, at.b, at.col);
        const end = start + slotSize[slot];
        let sum = 0;
        let abs = 0;
        for (let i = start; i < end; i++) {
          const v = x[i];
          sum += v;
          abs += Math.abs(v);
        }
        out[k] = (sum + abs) / 2;
        out[k + 1] = (sum - abs) / 2;
      });
    }
    if (families.includes('head-attention') && blk.pattern && attentionDownstream && !selection.includeReadoutAtoms) skippedDownstream.push(`L${L} attention`);
    else if (families.includes('head-attention') && blk.pattern) {
      const hook = `blocks.${L}.attn.hook_pattern`;
      const dims = attentionShapes.find((x) => x.name === hook)!.dims;
      const heads = dims[1];
      if (typeof heads !== 'number') throw new OccamError(`atoms: ${hook} has shape ${JSON.stringify(dims)}; expected [batch, heads, query, key]`);
      const K = selection.headAttention.maxOffset;
      const slot = slotOf(hook);
      const first = atoms.length;
      for (let h = 0; h < heads; h++)
        for (let k = 0; k <= K; k++) atoms.push(atom(`L${L}.H${h}.attn.to-${k}`, 'attn', L, h, 'none', 'attention', k, attentionDownstream));
      sources.push({ kind: 'attention', hook, atom: first, heads, maxOffset: K });
      fillers.push((out) => {
        // pattern [batch, head, query, key]: query column col, key column col − k (a real token while k ≤ t)
        const data = slotData[slot];
        const W = slotDims[slot][2];
        const kMax = Math.min(K, at.t);
        for (let h = 0; h < heads; h++) {
          const row = ((at.b * heads + h) * W + at.col) * W + at.col;
          const o = first + h * (K + 1);
          for (let k = 0; k <= K; k++) out[o + k] = k <= kMax ? data[row - k] : 0;
        }
      });
    }
  }

  if (skippedDownstream.length) {
    notes.push(
      `${skippedDownstream.join(', ')} left out: computed at or after ${spec.kind === 'unit-above' ? spec.hook : 'the behaviour'} at the same position, so they contain the answer; set atoms.includeReadoutAtoms to have them (marked readsReadout)`,
    );
  }
  // Atoms from the prompt alone: token features (at the current token, offset 0), then input patterns.
  const firstPrompt = atoms.length;
  const tokenFeatures = families.includes('token-features') ? selection.features : [];
  for (const f of tokenFeatures) atoms.push(atom(`token.${f}`, 'token', -1, -1, 'none', f, 0, false));
  const inputPatterns = families.includes('input-patterns') ? await resolveInputPatterns(selection.inputPatterns, model.tokenizer, model.vocabSize) : null;
  if (inputPatterns) atoms.push(...inputPatternAtoms(inputPatterns));
  const nPrompt = atoms.length - firstPrompt;
  for (let c = 0; c < nPrompt; c++) sources.push({ kind: 'prompt', atom: firstPrompt + c, column: c });
  if (nPrompt) {
    fillers.push((out) => {
      const feats = at.feats;
      for (let i = 0; i < feats.length; i++) out[firstPrompt + i] = feats[i][at.t];
    });
  }
  if (atoms.length === 0) throw new OccamError('atoms: the selection gives no atoms for this model', { field: 'atoms' });

  return {
    atoms,
    families,
    readsReadout: needReadout,
    selection,
    notes,
    inputPatterns,
    promptColumns(tokens) {
      const cols = tokenFeatures.map((f) => tokenFeature(f, tokens, model.tokenizer.bosId));
      if (inputPatterns) cols.push(...inputPatternColumns(inputPatterns, tokens, answerTokens(behaviour, tokens)));
      return cols;
    },
    hooks: [...hooks],
    readout,
    sources,
    readoutHook,
    fill(run, b, col, feats, t, direction, out) {
      if (run !== boundRun) bind(run);
      at.b = b;
      at.col = col;
      at.t = t;
      at.feats = feats;
      at.w = null;
      at.sigma = 1;
      if (readout) {
        at.w = readout.vectorAt(direction);
        if (at.w) {
          at.key = readout.vectorKey(direction)!;
          at.sigma = readout.scale(slotData[readoutSlot], rowStart(readoutSlot, b, col));
        }
      }
      for (let i = 0; i < fillers.length; i++) fillers[i](out);
    },
  };
}
