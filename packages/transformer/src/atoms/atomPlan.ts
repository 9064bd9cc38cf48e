import { OccamError, type Atom } from '@occam/core';
import type { LogitDirection } from '../behaviour/logitDirection.js';
import type { ResolvedBehaviour } from '../behaviour/resolveBehaviour.js';
import type { ForwardOutput, HookTensor, LanguageModel } from '../model-dir/languageModel.js';
import type { LinearLayer } from '../onnx/linearLayer.js';
import { FinalReadout } from './finalReadout.js';
import { ALL_FAMILIES, type AtomFamily, type AtomSelection } from './schema.js';

/** Where one position's vector of a hook starts in its flat data, and how long it is. */
function positionSlice(t: HookTensor, b: number, col: number): { data: Float32Array; start: number; size: number } {
  const size = t.dims.slice(2).reduce((a, x) => a * x, 1);
  return { data: t.data, start: (b * t.dims[1] + col) * size, size };
}

interface HeadBlock {
  layer: number;
  hook: string;
  heads: number;
  dHead: number;
  proj: LinearLayer;
  weight: Float32Array;
}

/**
 * Which atoms a dataset gets and how each is computed at a token position from one forward pass.
 * Atoms carry attributes {component, layer, head, sign, feature} (numeric layer/head, −1 where not
 * applicable; categorical component/sign/feature), so a spec can group by any of them.
 */
export interface AtomPlan {
  atoms: Atom[];
  families: AtomFamily[];
  /** Hooks the atoms read (fetch these per batch; nothing else is kept). */
  hooks: string[];
  /** Write every atom's value at (batch row b, padded column col, prompt position t) into out[0..atoms). */
  fill(run: ForwardOutput, b: number, col: number, features: Float32Array[], t: number, direction: LogitDirection | null, out: Float64Array): void;
  readout: FinalReadout | null;
}

/** Cached pulled-back vectors (per layer and logit direction) before the cache is emptied: bounds memory for large vocabularies. */
const VECTOR_CACHE_LIMIT = 4096;

function atom(id: string, component: string, layer: number, head: number, sign: string, feature: string): Atom {
  return { id, attributes: { component, layer, head, sign, feature } };
}

export async function buildAtomPlan(model: LanguageModel, selection: AtomSelection, behaviour: ResolvedBehaviour, explicitFamilies: boolean): Promise<AtomPlan> {
  const s = model.structure;
  const logitBehaviour = behaviour.spec.kind !== 'unit-above';
  let families: AtomFamily[] = selection.families ?? ALL_FAMILIES;
  const direct = (f: AtomFamily) => f === 'head-direct' || f === 'mlp-direct' || f === 'embed-direct';
  if (!logitBehaviour) {
    if (explicitFamilies && families.some(direct)) {
      throw new OccamError(`atoms: ${families.filter(direct).join(', ')} need a logit behaviour; '${behaviour.label}' reads an internal unit. Use mlp-neurons and token-features.`, { field: 'atoms.families' });
    }
    families = families.filter((f) => !direct(f));
  }
  const needReadout = families.some(direct);
  const readout = needReadout ? await FinalReadout.load(model) : null;
  const atoms: Atom[] = [];
  const hooks = new Set<string>();
  type Filler = (run: ForwardOutput, b: number, col: number, feats: Float32Array[], t: number, w: Float32Array | null, sigma: number, dir: LogitDirection | null, out: Float64Array) => void;
  const fillers: Filler[] = [];
  const finalResidHook = readout ? (model.hooks.find((h) => h.tensor === readout.norm.input)?.name ?? readout.norm.input) : null;
  if (finalResidHook) hooks.add(finalResidHook);

  const dot = (data: Float32Array, start: number, w: Float32Array) => {
    let v = 0;
    for (let i = 0; i < w.length; i++) v += data[start + i] * w[i];
    return v;
  };
  const pushSigned = (idBase: string, component: string, layer: number, head: number, feature: string) => {
    const k = atoms.length;
    atoms.push(atom(`${idBase}.pos`, component, layer, head, 'pos', feature));
    atoms.push(atom(`${idBase}.neg`, component, layer, head, 'neg', feature));
    return k;
  };
  const writeSigned = (out: Float64Array, k: number, v: number) => {
    out[k] = v > 0 ? v : 0;
    out[k + 1] = v < 0 ? v : 0;
  };

  if (families.includes('embed-direct')) {
    const hook = s.blocks[0] ? `blocks.${s.blocks[0].layer}.hook_resid_pre` : null;
    if (!hook) throw new OccamError('atoms: embed-direct needs blocks.0.hook_resid_pre');
    hooks.add(hook);
    const k = pushSigned('embed', 'embed', -1, -1, 'direct-effect');
    fillers.push((run, b, col, _f, _t, w, sigma, _d, out) => {
      if (!w) return writeSigned(out, k, 0);
      const x = positionSlice(run.hooks.get(hook)!, b, col);
      writeSigned(out, k, dot(x.data, x.start, w) / sigma);
    });
  }

  const headBlocks: HeadBlock[] = [];
  if (families.includes('head-direct')) {
    const zHooks = s.blocks.filter((blk) => blk.z && blk.attnOutProj).map((blk) => `blocks.${blk.layer}.attn.hook_z`);
    if (zHooks.length === 0) throw new OccamError(`atoms: head-direct needs attn.hook_z and the attention output projection, not found (${s.problems.join('; ')})`);
    const shapes = await model.hookShapes(zHooks);
    for (const blk of s.blocks) {
      if (!blk.z || !blk.attnOutProj) continue;
      const hook = `blocks.${blk.layer}.attn.hook_z`;
      const dims = shapes.find((x) => x.name === hook)!.dims;
      const heads = dims[2];
      const dHead = dims[3];
      if (typeof heads !== 'number' || typeof dHead !== 'number') {
        throw new OccamError(`atoms: ${hook} has shape ${JSON.stringify(dims)}; expected [batch, pos, heads, d_head] (config.json lacks n_head?)`);
      }
      headBlocks.push({ layer: blk.layer, hook, heads, dHead, proj: blk.attnOutProj, weight: await model.weight(blk.attnOutProj.weight) });
    }
  }

  // per-head pulled-back vectors v = W_O · w, cached per (layer, direction)
  const headVectors = new Map<string, Float32Array>();
  const headVector = (hb: HeadBlock, dir: LogitDirection, w: Float32Array): Float32Array => {
    const key = `${hb.layer}|${dir.key}`;
    let v = headVectors.get(key);
    if (v) return v;
    if (headVectors.size >= VECTOR_CACHE_LIMIT) headVectors.clear();
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
    headVectors.set(key, v);
    return v;
  };

  for (const blk of s.blocks) {
    const L = blk.layer;
    const hb = headBlocks.find((h) => h.layer === L);
    if (hb) {
      hooks.add(hb.hook);
      const first = atoms.length;
      for (let h = 0; h < hb.heads; h++) pushSigned(`L${L}.H${h}.attn`, 'attn', L, h, 'direct-effect');
      fillers.push((run, b, col, _f, _t, w, sigma, dir, out) => {
        if (!w || !dir) {
          for (let h = 0; h < hb.heads; h++) writeSigned(out, first + 2 * h, 0);
          return;
        }
        const z = positionSlice(run.hooks.get(hb.hook)!, b, col);
        const v = headVector(hb, dir, w);
        for (let h = 0; h < hb.heads; h++) {
          let sum = 0;
          const off = h * hb.dHead;
          for (let j = 0; j < hb.dHead; j++) sum += z.data[z.start + off + j] * v[off + j];
          writeSigned(out, first + 2 * h, sum / sigma);
        }
      });
    }
    if (families.includes('mlp-direct') && blk.mlpOut) {
      const hook = `blocks.${L}.hook_mlp_out`;
      hooks.add(hook);
      const k = pushSigned(`L${L}.mlp`, 'mlp', L, -1, 'direct-effect');
      fillers.push((run, b, col, _f, _t, w, sigma, _d, out) => {
        if (!w) return writeSigned(out, k, 0);
        const x = positionSlice(run.hooks.get(hook)!, b, col);
        writeSigned(out, k, dot(x.data, x.start, w) / sigma);
      });
    }
    if (families.includes('mlp-neurons') && blk.mlpPost) {
      const hook = `blocks.${L}.mlp.hook_post`;
      hooks.add(hook);
      const k = pushSigned(`L${L}.neurons`, 'mlp-neurons', L, -1, 'post-activation');
      fillers.push((run, b, col, _f, _t, _w, _s, _d, out) => {
        const x = positionSlice(run.hooks.get(hook)!, b, col);
        let pos = 0;
        let neg = 0;
        for (let i = 0; i < x.size; i++) {
          const v = x.data[x.start + i];
          if (v > 0) pos += v;
          else neg += v;
        }
        out[k] = pos;
        out[k + 1] = neg;
      });
    }
  }

  if (families.includes('token-features')) {
    const first = atoms.length;
    selection.features.forEach((f) => atoms.push(atom(`token.${f}`, 'token', -1, -1, 'none', f)));
    fillers.push((_r, _b, _c, feats, t, _w, _s, _d, out) => {
      for (let i = 0; i < feats.length; i++) out[first + i] = feats[i][t];
    });
  }
  if (atoms.length === 0) throw new OccamError('atoms: the selection gives no atoms for this model', { field: 'atoms' });

  return {
    atoms,
    families,
    hooks: [...hooks],
    readout,
    fill(run, b, col, feats, t, direction, out) {
      let w: Float32Array | null = null;
      let sigma = 1;
      if (readout && direction) {
        w = readout.residualVector(direction);
        const x = positionSlice(run.hooks.get(finalResidHook!)!, b, col);
        sigma = readout.scale(x.data, x.start);
      }
      for (const f of fillers) f(run, b, col, feats, t, w, sigma, direction, out);
    },
  };
}
