import { OccamError } from '@occam/core';
import { padBatch } from '../condition/padBatch.js';
import { scoredMask, type PromptSet } from '../condition/promptSet.js';
import type { LanguageModel } from '../model-dir/languageModel.js';
import { headList, type LmAblation } from './schema.js';

/** Prompts per forward pass of the mean pass (tiny models; the hooks fetched are one tensor per pass). */
const MEAN_BATCH = 64;

/** The hook whose mean a mean ablation writes in: hook_z (the heads' slices are taken from it), or the MLP output. */
export function ablationHook(ablation: LmAblation): string {
  return ablation.kind === 'ablate-head' ? `blocks.${ablation.layer}.attn.hook_z` : `blocks.${ablation.layer}.hook_mlp_out`;
}

/**
 * The component's mean output over the condition's scored positions (padding never counts): for heads the
 * layer's whole hook_z (heads · d_head values, head h at h·d_head …), for an MLP its d_model-vector of hook_mlp_out. Scored positions, because that is
 * where the behaviour is measured; a mean ablation then keeps the component's typical contribution there and
 * removes only what varies with the prompt.
 */
export async function componentMean(model: LanguageModel, prompts: PromptSet, ablation: LmAblation): Promise<Float64Array> {
  const hook = ablationHook(ablation);
  let sum: Float64Array | null = null;
  let count = 0;
  for (let start = 0; start < prompts.prompts.length; start += MEAN_BATCH) {
    const chunk = prompts.prompts.slice(start, start + MEAN_BATCH);
    const batch = padBatch(
      chunk.map((p) => p.tokens),
      'right',
      model.padId,
    );
    const run = await model.run(batch, [hook]);
    const t = run.hooks.get(hook)!;
    // hook_z is [batch, pos, head, d_head]; hook_mlp_out [batch, pos, d]
    const perPos = t.dims.slice(2).reduce((a, b) => a * b, 1);
    const width = perPos;
    if (ablation.kind === 'ablate-head') {
      const H = t.dims[2];
      const bad = headList(ablation.head).find((h) => h >= H);
      if (t.dims.length !== 4 || bad !== undefined)
        throw new OccamError(
          `ablate-head: layer ${ablation.layer} has ${H ?? '?'} heads (hook_z dims [${t.dims.join(', ')}]); head ${bad} is not one of them`,
          {
            field: 'head',
          },
        );
    }
    sum ??= new Float64Array(width);
    chunk.forEach((p, b) => {
      const mask = scoredMask(p);
      for (let k = 0; k < p.tokens.length; k++) {
        if (!mask[k]) continue;
        const row = (b * batch.width + batch.offsets[b] + k) * perPos;
        for (let i = 0; i < width; i++) sum![i] += t.data[row + i];
        count++;
      }
    });
  }
  if (!sum || count === 0) throw new OccamError(`mean ablation: condition ${prompts.name} has no scored positions to average over`, { field: 'condition' });
  for (let i = 0; i < sum.length; i++) sum[i] /= count;
  return sum;
}
