import { z } from 'zod';

/**
 * Which atoms an operation touches, by their attributes: each named attribute must match. A list accepts those
 * values (categorical: `{ "type": ["inhibitory"] }`); `{ min, max }` accepts numeric values in [min, max)
 * (`{ "distance": { "min": 500 } }`). The simulator that reruns the system applies the same selection to its own
 * finest inputs (tools/neuron-sim: each synapse's type and soma distance), so a numeric bound must fall on an
 * edge of the atoms' bins (checked where atoms carry `<attribute>From`/`<attribute>To`).
 */
export const AttributeConditionSchema = z.union([
  z.array(z.union([z.string().min(1), z.number().finite()])).min(1),
  z
    .strictObject({ min: z.number().finite().optional(), max: z.number().finite().optional() })
    .refine((r) => r.min !== undefined || r.max !== undefined, { message: 'give min and/or max' })
    .refine((r) => r.min === undefined || r.max === undefined || r.min < r.max, { message: 'min must be below max' }),
]);
export const SelectionSchema = z
  .record(z.string().min(1), AttributeConditionSchema)
  .refine((s) => Object.keys(s).length > 0, { message: 'a selection names at least one attribute, e.g. { "type": ["inhibitory"] }' });
export type Selection = z.infer<typeof SelectionSchema>;

/** Move every input of the selected atoms later (positive) or earlier (negative), by whole bins or by a time. */
export const ShiftSchema = z
  .strictObject({
    select: SelectionSchema,
    bins: z
      .number()
      .int()
      .refine((b) => b !== 0, { message: 'a shift of 0 bins changes nothing' })
      .optional(),
    /** In the dataset's time unit converted to ms (binUnit ms or s); must be a whole number of bins. */
    ms: z
      .number()
      .finite()
      .refine((b) => b !== 0, { message: 'a shift of 0 ms changes nothing' })
      .optional(),
  })
  .refine((s) => (s.bins === undefined) !== (s.ms === undefined), { message: 'give exactly one of bins, ms' });

/**
 * Multiply the selected atoms' inputs by `factor` (0.5: inhibition halved). In the reduced model this scales the
 * input counts; the neuron simulator scales those synapses' conductances — the reduced model's linear drive
 * cannot tell the two apart, the detailed cell can, which is part of what the check tests.
 */
export const ScaleSchema = z.strictObject({ select: SelectionSchema, factor: z.number().finite().min(0) });

export const NeuronInterventionSchema = z
  .strictObject({
    /** Names the intervention in the output and, as a slug, the simulator's folder (`C2_no-inhibition`). */
    name: z.string().trim().min(1),
    description: z.string().optional(),
    /** The selected atoms' inputs are set to zero (the synapses never activate). */
    silence: SelectionSchema.optional(),
    shift: ShiftSchema.optional(),
    scale: ScaleSchema.optional(),
  })
  .refine((i) => [i.silence, i.shift, i.scale].filter((o) => o !== undefined).length === 1, {
    message: 'give exactly one operation: silence, shift or scale',
  });
export type NeuronIntervention = z.infer<typeof NeuronInterventionSchema>;

const uniqueNames = (list: { name: string }[]) => new Set(list.map((i) => interventionSlug(i.name))).size === list.length;

/**
 * An intervention list. `system` says what the interventions act on: 'neuron' interventions act on a Dataset's
 * atoms (and the same file drives tools/neuron-sim); a 'language-model' kind (interventions inside the ONNX
 * graph) is meant to join this union as its own member with its own operations.
 */
export const InterventionListSchema = z.discriminatedUnion('system', [
  z.strictObject({
    $schema: z.string().optional(),
    system: z.literal('neuron'),
    interventions: z
      .array(NeuronInterventionSchema)
      .min(1)
      .refine(uniqueNames, { message: 'intervention names must differ (also as folder slugs: letters and digits, the rest as -)' }),
  }),
]);
export type InterventionList = z.infer<typeof InterventionListSchema>;
export type InterventionListInput = z.input<typeof InterventionListSchema>;

/** The folder-safe form of a name, as tools/neuron-sim writes it (neuronsim/interventions.py: slug). */
export function interventionSlug(name: string): string {
  const s = name
    .trim()
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
  return s || 'intervention';
}
