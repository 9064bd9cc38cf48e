import { z } from 'zod';

/** An attribute is numeric (ordered: distance, layer, offset) or categorical (type, component, sign). */
export const AttributeValueSchema = z.union([z.number().finite(), z.string().min(1)]);

export const AtomSchema = z.object({
  id: z.string().min(1),
  attributes: z.record(z.string(), AttributeValueSchema),
});
export type Atom = z.infer<typeof AtomSchema>;

export const TargetKindSchema = z.enum(['binary', 'count', 'real']);
export type TargetKind = z.infer<typeof TargetKindSchema>;

export const BinUnitSchema = z.enum(['ms', 's', 'token', 'step']);

/**
 * `manifest.json` of a Dataset directory. The arrays live beside it as NumPy files:
 * - inputs  [atoms, trials, bins]  uint8 | uint16 | float32  (the smallest that holds the values exactly)
 * - target  [trials, bins]         uint8 (binary), uint8 | uint16 (count), float32 (real)
 * - scored  [trials, bins]         uint8 0/1: which bins are predicted and scored
 * Files may be gzip-compressed (`.npy.gz`).
 */
export const DatasetManifestSchema = z.object({
  format: z.literal('occam.dataset'),
  version: z.literal(1),
  nTrials: z.number().int().positive(),
  nBins: z.number().int().positive(),
  binWidth: z.number().positive(),
  binUnit: BinUnitSchema,
  /** Time of the start of bin 0 in `binUnit` (e.g. 150 when the first 150 ms of a simulation were dropped). */
  timeOrigin: z.number().finite().default(0),
  /** Named bins, e.g. { stimulus: 95 }: where a condition's events fall. */
  markers: z.record(z.string(), z.number().int().nonnegative()).default({}),
  atoms: z.array(AtomSchema).min(1),
  target: z.object({ kind: TargetKindSchema, name: z.string().min(1).default('output') }),
  trialIds: z.array(z.string()).optional(),
  /**
   * Named numbers per trial that an adapter observed in the trial's own input (e.g. a prompt's detected
   * period), one entry per trial: what a gate may use to tell conditions apart without their labels.
   * Never a label or the target.
   */
  trialFeatures: z.record(z.string().min(1), z.array(z.number().finite())).optional(),
  files: z
    .object({
      inputs: z.string().min(1).default('inputs.npy'),
      target: z.string().min(1).default('target.npy'),
      scored: z.string().min(1).default('scored.npy'),
    })
    .default({ inputs: 'inputs.npy', target: 'target.npy', scored: 'scored.npy' }),
  metadata: z
    .object({
      condition: z.string().optional(),
      source: z.string().optional(),
      seed: z.number().int().optional(),
    })
    .catchall(z.unknown())
    .default({}),
});
export type DatasetManifest = z.infer<typeof DatasetManifestSchema>;
export type DatasetManifestInput = z.input<typeof DatasetManifestSchema>;
