import { z } from 'zod';
import { LmInterventionResultSchema } from './resultSchema.js';
import { LmInterventionListSchema } from './schema.js';

/**
 * The language-model intervention formats as JSON Schema (draft 2020-12), generated from the zod schemas;
 * tools/schemas/generate.mjs writes them to schemas/ beside core's neuron intervention formats.
 */
export function interventionJsonSchemas(): Record<string, unknown> {
  return {
    'lm-intervention-list': {
      ...(z.toJSONSchema(LmInterventionListSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>),
      title: 'occam language-model intervention list: heads or MLPs to ablate, tokens to resample (occam intervene --lm-model)',
    },
    'lm-intervention-result': {
      ...(z.toJSONSchema(LmInterventionResultSchema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>),
      title: "occam intervene result on a language model: predicted vs the network's actual change per intervention",
    },
  };
}
