import type { ReducedModel } from '@occam/core';
import type { GroupRole } from './palette.js';

/**
 * The words a report uses for one kind of system. A neuron's data are trials of time bins with input
 * events (synapses), judged against the PSTH; a language model's are prompts of token positions with atoms
 * read at token offsets, judged against the mean at each position. A language-model report that says
 * "excitatory", "ms" or "trial" misleads its reader, so every caption, table and axis takes its words here.
 */
export interface Vocabulary {
  kind: 'neuron' | 'language-model';
  trial: string;
  trials: string;
  bin: string;
  bins: string;
  /** Column head of the time-only baseline. */
  baselineShort: string;
  /** The baseline in a sentence. */
  baselineLong: string;
  /** The fixed-bin AUROC across trials (the metric the baseline cannot game). */
  acrossTrials: string;
  /** What one filter weight multiplies. */
  inputUnit: string;
  /** The filter's x: "lag" or "token offset". */
  lag: string;
  /** Display names of the colour roles. */
  roles: Record<GroupRole, string>;
  /** One sentence on the group colours. */
  colourRule: string;
}

export const NEURON_VOCABULARY: Vocabulary = {
  kind: 'neuron',
  trial: 'trial',
  trials: 'trials',
  bin: 'bin',
  bins: 'bins',
  baselineShort: 'time only (PSTH)',
  baselineLong: 'the time-only baseline (the training trials’ PSTH: what knowing only the time since the trial start gives for free)',
  acrossTrials: 'trial-to-trial AUROC',
  inputUnit: 'input event',
  lag: 'lag',
  roles: { excitatory: 'excitatory', inhibitory: 'inhibitory', other: 'other' },
  colourRule: 'excitatory/positive groups red/orange, inhibitory/negative blue.',
};

const LANGUAGE_MODEL: Vocabulary = {
  kind: 'language-model',
  trial: 'prompt',
  trials: 'prompts',
  bin: 'position',
  bins: 'positions',
  baselineShort: 'position only (mean per position)',
  baselineLong: 'the position-only baseline (the training prompts’ mean at each token position: what knowing only the position gives for free)',
  acrossTrials: 'prompt-to-prompt AUROC',
  inputUnit: 'unit of atom value',
  lag: 'token offset',
  roles: { excitatory: 'positive contribution', inhibitory: 'negative contribution', other: 'unsigned' },
  colourRule: 'groups of positive contributions red/orange, of negative contributions blue, unsigned ones green/purple.',
};

/**
 * Attributes only the transformer adapter writes on its atoms. "layer" is left out: a cortical recording may
 * group its synapses by layer too.
 */
const LANGUAGE_MODEL_ATTRIBUTES = /(^|,\s*)(component|head)=/;

/** The vocabulary of a dataset's bin unit: tokens are language models, anything else a neuron-like recording. */
export function vocabularyForUnit(binUnit: string): Vocabulary {
  return binUnit === 'token' ? LANGUAGE_MODEL : NEURON_VOCABULARY;
}

/**
 * The vocabulary of a reduced model: a language model when its dataset counted tokens, or when its groups
 * are split by the transformer adapter's atom attributes (a dataset re-binned to another unit still came
 * from a language model).
 */
export function vocabularyFor(model: ReducedModel): Vocabulary {
  if (model.filters.binUnit === 'token' || model.provenance.dataset.binUnit === 'token') return LANGUAGE_MODEL;
  if (model.layout.groups.some((g) => LANGUAGE_MODEL_ATTRIBUTES.test(g))) return LANGUAGE_MODEL;
  return NEURON_VOCABULARY;
}
