import { OccamError } from '@occam/core';
import type { Behaviour, BehaviourInput } from '../behaviour/schema.js';
import type { PromptSet } from '../condition/promptSet.js';
import { extractDataset, trialLabels, type ExtractOptions, type ExtractResult } from '../extract/extractDataset.js';
import type { LanguageModel } from '../model-dir/languageModel.js';
import { controlRecord } from './randomWeights.js';

/** A trained model's and its control's Datasets over the same prompts, behaviour and atoms. */
export interface ControlledExtraction {
  trained: ExtractResult;
  control: ExtractResult;
  /** The trials (prompt ids) of both, in the same order: trial i is the same prompt in both (paired bootstrap over prompts). */
  trialIds: string[];
  /** Per-trial labels when the prompt set carries them (mixture conditions), else null; also in both manifests' metadata.trialLabels. */
  labels: string[] | null;
  /** What the control is: its config's occam.control ({ kind: 'random-weights', seed, source }), or { kind: 'model', source } for a user-given folder. */
  controlInfo: { kind: string; seed?: number; source?: string };
}

/**
 * Extract the trained model and its control under the SAME prompts (one PromptSet, same order), behaviour
 * and atom selection, one after the other. The two Datasets have the same atoms (checked: same ids and
 * attributes) and the same trials in the same order, so any score can be compared prompt by prompt; the
 * control's manifest says what it is (metadata.control), the trained one's what it is paired with
 * (metadata.pairedControl). Check the architecture first (loadControlModel) for a user-given control.
 */
export async function extractWithControl(
  trained: LanguageModel,
  control: LanguageModel,
  prompts: PromptSet,
  behaviour: BehaviourInput | Behaviour,
  options: ExtractOptions = {},
): Promise<ControlledExtraction> {
  const controlInfo = controlRecord(control.directory.config) ?? { kind: 'model', source: control.directory.dir };
  const progress = options.onProgress;
  const N = prompts.prompts.length;
  const t = await extractDataset(trained, prompts, behaviour, {
    ...options,
    onProgress: progress && ((done) => progress(done, 2 * N)),
    metadata: { ...options.metadata, pairedControl: { ...controlInfo, dir: control.directory.dir } },
  });
  const c = await extractDataset(control, prompts, behaviour, {
    ...options,
    onProgress: progress && ((done) => progress(N + done, 2 * N)),
    metadata: { ...options.metadata, control: { ...controlInfo, dir: control.directory.dir }, controlOf: trained.directory.dir },
  });
  const ta = t.dataset.manifest.atoms;
  const ca = c.dataset.manifest.atoms;
  const same = ta.length === ca.length && ta.every((a, i) => a.id === ca[i].id && JSON.stringify(a.attributes) === JSON.stringify(ca[i].attributes));
  if (!same) {
    const first = ta.findIndex((a, i) => a.id !== ca[i]?.id);
    throw new OccamError(
      `control ${control.directory.dir}: its atoms differ from the trained model's (${ca.length} vs ${ta.length} atoms${first >= 0 ? `; first difference at atom ${first}: '${ca[first]?.id ?? '(none)'}' vs '${ta[first].id}'` : ''}); the control must have the same architecture`,
      { file: control.directory.dir },
    );
  }
  return { trained: t, control: c, trialIds: prompts.prompts.map((p) => p.id), labels: trialLabels(prompts.prompts), controlInfo };
}
