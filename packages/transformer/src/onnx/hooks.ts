import { OccamError } from '@occam/core';
import type { GraphIndex } from './graphIndex.js';
import type { HookView, ModelStructure } from './modelStructure.js';

/** A readable tensor under a TransformerLens-style name (or a raw ONNX tensor name the caller asked for). */
export interface HookSite {
  name: string;
  /** The ONNX tensor exposed as an extra graph output. */
  tensor: string;
  layer: number | null;
  view: HookView;
}

/**
 * The canonical hooks of a discovered structure, in forward order. Hook → ONNX tensor:
 *   hook_embed / hook_pos_embed        Gather of the token / position embedding table
 *   blocks.L.hook_resid_pre            input of block L (the stream entering its first norm)
 *   blocks.L.attn.hook_pattern         the attention Softmax output [batch, head, query, key]
 *   blocks.L.attn.hook_z               per-head output before the output projection [batch, pos, head, d_head]
 *   blocks.L.hook_attn_out             output of the attention output projection (incl. bias)
 *   blocks.L.hook_resid_mid            the residual Add closing the attention branch
 *   blocks.L.mlp.hook_pre              output of the MLP input projection (incl. bias; the gate projection of a gated MLP)
 *   blocks.L.mlp.hook_post             the MLP hidden activation (input of its output projection)
 *   blocks.L.hook_mlp_out              output of the MLP output projection
 *   blocks.L.hook_resid_post           the residual Add closing the MLP branch (= next block's resid_pre)
 *   ln_final.hook_normalized           output of the final norm (after scale and bias), input of the unembedding
 */
export function canonicalHooks(s: ModelStructure): HookSite[] {
  const hooks: HookSite[] = [];
  const add = (name: string, tensor: string | null, layer: number | null, view: HookView = 'as-is') => {
    if (tensor) hooks.push({ name, tensor, layer, view });
  };
  add('hook_embed', s.embed, null);
  add('hook_pos_embed', s.posEmbed, null);
  for (const b of s.blocks) {
    const p = `blocks.${b.layer}.`;
    add(`${p}hook_resid_pre`, b.residPre, b.layer);
    add(`${p}attn.hook_pattern`, b.pattern, b.layer);
    add(`${p}attn.hook_z`, b.z?.tensor ?? null, b.layer, b.z?.view ?? 'as-is');
    add(`${p}hook_attn_out`, b.attnOut, b.layer);
    add(`${p}hook_resid_mid`, b.residMid, b.layer);
    add(`${p}mlp.hook_pre`, b.mlpIn?.output ?? null, b.layer);
    add(`${p}mlp.hook_post`, b.mlpPost, b.layer);
    add(`${p}hook_mlp_out`, b.mlpOut, b.layer);
    add(`${p}hook_resid_post`, b.residPost, b.layer);
  }
  add('ln_final.hook_normalized', s.finalNorm?.output ?? s.unembed?.input ?? null, null);
  return hooks;
}

/** Canonical hook names expected per block for a complete attention + MLP transformer. */
export const BLOCK_HOOKS = [
  'hook_resid_pre',
  'attn.hook_pattern',
  'attn.hook_z',
  'hook_attn_out',
  'hook_resid_mid',
  'mlp.hook_pre',
  'mlp.hook_post',
  'hook_mlp_out',
  'hook_resid_post',
] as const;

/**
 * Resolve requested names: canonical hook names, or raw ONNX tensor names (any node output or graph
 * input). An unknown name is an OccamError that lists what can be asked for.
 */
export function resolveHooks(requested: string[], canonical: HookSite[], index: GraphIndex): HookSite[] {
  const byName = new Map(canonical.map((h) => [h.name, h]));
  return requested.map((name) => {
    const hit = byName.get(name);
    if (hit) return hit;
    if (index.producer.has(name) || index.graphInputs.has(name)) return { name, tensor: name, layer: null, view: 'as-is' };
    const canon = canonical.map((h) => h.name);
    throw new OccamError(
      `hook '${name}' is neither a canonical hook of this model nor a tensor in its graph. Canonical hooks: ${canon.slice(0, 24).join(', ')}` +
        `${canon.length > 24 ? ` … (${canon.length} in all)` : ''}. Raw ONNX tensor names (node outputs) are accepted too.`,
      { field: 'hooks' },
    );
  });
}
