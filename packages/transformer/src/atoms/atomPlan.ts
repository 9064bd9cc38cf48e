import { OccamError, type Atom } from '@occam/core';
import type { LogitDirection } from '../behaviour/logitDirection.js';
import type { ResolvedBehaviour } from '../behaviour/resolveBehaviour.js';
import type { ForwardOutput, HookTensor, LanguageModel } from '../model-dir/languageModel.js';
import type { AtomPosition, Filler, JsAtomContext } from './atomKind.js';
import { atomKind, type AtomSource } from './atomKinds.js';
import { FinalReadout } from './finalReadout.js';
import { answerTokens, inputPatternAtoms, inputPatternColumns, resolveInputPatterns, type ResolvedInputPatterns } from './inputPatterns.js';
import type { ResidualReadout } from './normReadout.js';
import { tokenFeature, tokenFeatureAtom } from './tokenFeatures.js';
import { mlpUnitLayer, UnitReadout } from './unitReadout.js';
import { withRelativeDepth } from './relativeDepth.js';
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
   * The atoms computed from the prompt alone (token features, input patterns): one column per atom of the
   * `prompt` sources, in atom order (a source's atoms at its `column` on), each holding the values at every
   * position of the prompt.
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
  /**
   * What the atoms are, in atom order: each source's kind (atoms/kinds/) gives its atoms, the JS filler
   * `fill` runs and the graph nodes of atoms/graphAtoms.ts, so the two paths are derived from one description.
   */
  sources: AtomSource[];
  /** The hook whose vector gives the readout norm's σ of a position (null without direct-effect atoms). */
  readoutHook: string | null;
}

/** Omit over each member of a union (Omit of a union keeps only the keys all members share). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

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

  // The plan is its sources; atoms, JS fillers and graph nodes all follow from them (atoms/atomKinds.ts).
  const atoms: Atom[] = [];
  const sources: AtomSource[] = [];
  const add = (source: DistributiveOmit<AtomSource, 'atom'>) => {
    const s = { ...source, atom: atoms.length } as AtomSource;
    sources.push(s);
    atoms.push(...atomKind(s).atoms(s));
  };

  if (families.includes('embed-direct')) {
    const hook = s.blocks[0] ? `blocks.${s.blocks[0].layer}.hook_resid_pre` : null;
    if (!hook) throw new OccamError('atoms: embed-direct needs blocks.0.hook_resid_pre');
    add({ kind: 'direct', hook, component: 'embed', layer: -1 });
  }

  const headBlocks = families.includes('head-direct') ? s.blocks.filter((blk) => blk.z && blk.attnOutProj && blk.layer <= upstream.attn) : [];
  if (families.includes('head-direct') && headBlocks.length === 0)
    throw new OccamError(`atoms: head-direct needs attn.hook_z and the attention output projection, not found (${s.problems.join('; ')})`);
  const zShapes = headBlocks.length ? await model.hookShapes(headBlocks.map((blk) => `blocks.${blk.layer}.attn.hook_z`)) : [];

  for (const blk of s.blocks) {
    const L = blk.layer;
    if (headBlocks.includes(blk)) {
      const hook = `blocks.${L}.attn.hook_z`;
      const dims = zShapes.find((x) => x.name === hook)!.dims;
      const heads = dims[2];
      const dHead = dims[3];
      if (typeof heads !== 'number' || typeof dHead !== 'number') {
        throw new OccamError(`atoms: ${hook} has shape ${JSON.stringify(dims)}; expected [batch, pos, heads, d_head] (config.json lacks n_head?)`);
      }
      add({ kind: 'heads', hook, layer: L, heads, dHead, proj: blk.attnOutProj! });
    }
    if (families.includes('mlp-direct') && blk.mlpOut && L <= upstream.mlp)
      add({ kind: 'direct', hook: `blocks.${L}.hook_mlp_out`, component: 'mlp', layer: L });
    const neuronsDownstream = downstream(2 * L + 1);
    const attentionDownstream = downstream(2 * L);
    if (families.includes('mlp-neurons') && blk.mlpPost && neuronsDownstream && !selection.includeReadoutAtoms) skippedDownstream.push(`L${L}.neurons`);
    else if (families.includes('mlp-neurons') && blk.mlpPost)
      add({ kind: 'neurons', hook: `blocks.${L}.mlp.hook_post`, layer: L, readsReadout: neuronsDownstream });
    if (families.includes('head-attention') && blk.pattern && attentionDownstream && !selection.includeReadoutAtoms) skippedDownstream.push(`L${L} attention`);
    else if (families.includes('head-attention') && blk.pattern) {
      const hook = `blocks.${L}.attn.hook_pattern`;
      const dims = attentionShapes.find((x) => x.name === hook)!.dims;
      const heads = dims[1];
      if (typeof heads !== 'number') throw new OccamError(`atoms: ${hook} has shape ${JSON.stringify(dims)}; expected [batch, heads, query, key]`);
      add({ kind: 'attention', hook, layer: L, heads, maxOffset: selection.headAttention.maxOffset, readsReadout: attentionDownstream });
    }
  }

  if (skippedDownstream.length) {
    notes.push(
      `${skippedDownstream.join(', ')} left out: computed at or after ${spec.kind === 'unit-above' ? spec.hook : 'the behaviour'} at the same position, so they contain the answer; set atoms.includeReadoutAtoms to have them (marked readsReadout)`,
    );
  }
  // Atoms from the prompt alone: token features (at the current token, offset 0), then input patterns.
  const tokenFeatures = families.includes('token-features') ? selection.features : [];
  if (tokenFeatures.length) add({ kind: 'prompt', column: 0, atoms: tokenFeatures.map(tokenFeatureAtom) });
  const inputPatterns = families.includes('input-patterns') ? await resolveInputPatterns(selection.inputPatterns, model.tokenizer, model.vocabSize) : null;
  if (inputPatterns) add({ kind: 'prompt', column: tokenFeatures.length, atoms: inputPatternAtoms(inputPatterns) });
  if (atoms.length === 0) throw new OccamError('atoms: the selection gives no atoms for this model', { field: 'atoms' });

  // The JS path: hook tensors are bound once per forward output (not looked up per position); slot i
  // holds hook slotHooks[i]'s data, its values per position and its padded width.
  const slotHooks: string[] = [];
  const slotWidth: number[] = [];
  const at: AtomPosition = { b: 0, col: 0, t: 0, feats: [], w: null, key: '', sigma: 1 };
  const js: JsAtomContext = {
    model,
    slot(hook) {
      const i = slotHooks.indexOf(hook);
      return i >= 0 ? i : slotHooks.push(hook) - 1;
    },
    data: [],
    dims: [],
    rowSize: [],
    rowStart: (i, b, col) => (b * slotWidth[i] + col) * js.rowSize[i],
    at,
  };
  let boundRun: ForwardOutput | null = null;
  const bind = (run: ForwardOutput) => {
    for (let i = 0; i < slotHooks.length; i++) {
      const t = run.hooks.get(slotHooks[i]);
      if (!t) throw new OccamError(`atoms: the forward output lacks hook '${slotHooks[i]}' (fetch plan.hooks)`);
      js.data[i] = t.data;
      js.rowSize[i] = rowSize(t);
      slotWidth[i] = t.dims[1];
      js.dims[i] = t.dims;
    }
    boundRun = run;
  };
  const readoutHook = readout ? (model.hooks.find((h) => h.tensor === readout.norm.input)?.name ?? readout.norm.input) : null;
  const readoutSlot = readoutHook ? js.slot(readoutHook) : -1;
  const fillers: Filler[] = [];
  for (const source of sources) fillers.push(await atomKind(source).filler(source, js));

  return {
    atoms: withRelativeDepth(atoms, model.nLayers),
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
    hooks: [...slotHooks],
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
          at.sigma = readout.scale(js.data[readoutSlot], js.rowStart(readoutSlot, b, col));
        }
      }
      for (let i = 0; i < fillers.length; i++) fillers[i](out);
    },
  };
}
