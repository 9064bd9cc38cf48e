import { z } from 'zod';

/**
 * Raised-cosine log basis in Pillow et al. (2008) form: x = log(t + offset), `count` peaks evenly
 * spaced in x from log(firstPeak + offset) to log(lastPeak + offset), neighbours a quarter period
 * apart so the basis sums to a constant between the first and last peak. Peaks may be negative (an
 * attribute such as a layer index −1 for the embedding) as long as firstPeak + offset > 0 (checked when
 * the basis is evaluated).
 */
export const RaisedCosineLogSchema = z.strictObject({
  kind: z.literal('raisedCosineLog'),
  count: z.number().int().min(1).max(200),
  firstPeak: z.number(),
  lastPeak: z.number(),
  offset: z.number().positive().default(1),
});

/**
 * The published method's form (ISF): f(x) = ½ cos(a·log(x + c) − φ) + ½, zero where a·log(x + c) − φ
 * leaves ±π, one function per phase φ. x = value / scale (lags: scale 1 bin; distances: e.g. 50 µm).
 */
export const IsfRaisedCosineSchema = z.strictObject({
  kind: z.literal('isfRaisedCosine'),
  a: z.number().positive(),
  c: z.number().positive(),
  phases: z.array(z.number()).min(1),
  scale: z.number().positive().default(1),
});

/** One free weight per lag (temporal) or per distinct attribute value (spatial). */
export const RawBasisSchema = z.strictObject({ kind: z.literal('raw') });

/** A single weight: every value counts the same (the "no spatial filter" ablation). */
export const ConstantBasisSchema = z.strictObject({ kind: z.literal('constant') });

export const TemporalBasisSchema = z.discriminatedUnion('kind', [RaisedCosineLogSchema, IsfRaisedCosineSchema, RawBasisSchema]);
export const AttributeBasisSchema = z.discriminatedUnion('kind', [RaisedCosineLogSchema, IsfRaisedCosineSchema, RawBasisSchema, ConstantBasisSchema]);
export type TemporalBasis = z.infer<typeof TemporalBasisSchema>;
export type AttributeBasis = z.infer<typeof AttributeBasisSchema>;
export type RaisedCosineLog = z.infer<typeof RaisedCosineLogSchema>;
export type IsfRaisedCosine = z.infer<typeof IsfRaisedCosineSchema>;
