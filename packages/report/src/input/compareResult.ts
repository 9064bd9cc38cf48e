import { ControlComparisonSchema, type ControlComparison } from '@occam/core';
import { z } from 'zod';
import type { ComparisonMatrix } from './comparisonMatrix.js';

const matrix = z.array(z.array(z.number().nullable()));
const intervalMatrix = z.array(z.array(z.tuple([z.number(), z.number()]).nullable()));

/**
 * The fields of occam's comparison output (`occam.compare`: core's compareModels) that the report draws;
 * any other field is ignored. Kind 'systems' is universality (one condition, several systems), 'conditions'
 * is transfer (one system, several conditions).
 */
export const CompareResultViewSchema = z.object({
  format: z.literal('occam.compare'),
  version: z.literal(1),
  kind: z.enum(['systems', 'conditions']),
  names: z.array(z.string()).min(1),
  order: z.array(z.string()).optional(),
  crossPrediction: z.object({
    auroc: matrix,
    relativeToOwn: matrix,
    trialToTrialAuroc: matrix,
    stratifiedAuroc: matrix.optional(),
    stratifiedRelativeToOwn: matrix.optional(),
    /** Per-cell intervals over resamples of the column system's held-out trials (absent in older files). */
    intervals: z
      .object({
        level: z.number().gt(0).lt(1),
        auroc: intervalMatrix.optional(),
        trialToTrialAuroc: intervalMatrix.optional(),
        stratifiedAuroc: intervalMatrix.optional(),
        relativeToOwn: intervalMatrix.optional(),
        stratifiedRelativeToOwn: intervalMatrix.optional(),
      })
      .optional(),
  }),
  filterSimilarity: z
    .array(z.object({ group: z.string(), filter: z.string(), matrix, intervals: intervalMatrix.optional(), level: z.number().gt(0).lt(1).optional() }))
    .default([]),
  /** Each system beside its control, where its model carries one: selectivity with paired intervals. */
  controls: z.array(z.object({ name: z.string(), control: ControlComparisonSchema })).optional(),
});
/** One compared system's control comparison, as the report shows it. */
export interface SystemControl {
  name: string;
  control: ControlComparison;
}
export type CompareResultView = z.infer<typeof CompareResultViewSchema>;

/**
 * A comparison as matrices: the row's model on the column's data (held-out AUROC, trial-to-trial AUROC, and
 * AUROC relative to the column's own model), and the cosine similarity of each group's full filter and of
 * the history filters. Rows and columns follow the result's clustering order when it gives one.
 */
export function matricesFromCompare(result: CompareResultView): ComparisonMatrix[] {
  const n = result.names.length;
  const order =
    result.order && result.order.length === n && result.order.every((name) => result.names.includes(name))
      ? result.order.map((name) => result.names.indexOf(name))
      : result.names.map((_, i) => i);
  const labels = order.map((i) => result.names[i]);
  const permute = <T>(m: (T | null)[][]) => order.map((i) => order.map((j) => m[i]?.[j] ?? null));
  const cp = result.crossPrediction;
  const withIntervals = (m: ComparisonMatrix, grid: ([number, number] | null)[][] | undefined, level: number | undefined): ComparisonMatrix =>
    grid ? { ...m, intervals: permute(grid), intervalLevel: level ?? 0.95 } : m;
  const kind = result.kind === 'systems' ? ('universality' as const) : ('transfer' as const);
  const rows = { title: result.kind === 'systems' ? 'model of system' : 'fitted under', labels };
  const columns = { title: result.kind === 'systems' ? 'data of system' : 'evaluated under', labels };
  const make = (metric: string, values: (number | null)[][], scale?: 'sequential' | 'diverging', title?: string): ComparisonMatrix => ({
    format: 'occam.matrix',
    version: 1,
    kind,
    title,
    metric,
    rows,
    columns,
    values: permute(values),
    scale,
  });
  const level = cp.intervals?.level;
  const out = [
    withIntervals(make('held-out AUROC', cp.auroc, 'sequential'), cp.intervals?.auroc, level),
    withIntervals(make('trial-to-trial AUROC', cp.trialToTrialAuroc, 'sequential'), cp.intervals?.trialToTrialAuroc, level),
    withIntervals(make('AUROC minus the data’s own model', cp.relativeToOwn, 'diverging'), cp.intervals?.relativeToOwn, level),
  ];
  if (cp.stratifiedAuroc) out.push(withIntervals(make('stratified AUROC', cp.stratifiedAuroc, 'sequential'), cp.intervals?.stratifiedAuroc, level));
  if (cp.stratifiedRelativeToOwn)
    out.push(
      withIntervals(make('stratified AUROC minus the data’s own model', cp.stratifiedRelativeToOwn, 'diverging'), cp.intervals?.stratifiedRelativeToOwn, level),
    );
  for (const s of result.filterSimilarity)
    if (s.filter === 'full' || s.filter === 'history')
      out.push({
        ...withIntervals(
          make(
            'cosine similarity',
            s.matrix,
            'diverging',
            `${kind === 'universality' ? 'Universality' : 'Transfer'}: ${s.filter === 'history' ? 'history filter' : `full filter of ${s.group}`}, cosine similarity`,
          ),
          s.intervals,
          s.level,
        ),
        rows: { title: result.kind === 'systems' ? 'system' : 'condition', labels },
        columns: { title: result.kind === 'systems' ? 'system' : 'condition', labels },
      });
  return out;
}
