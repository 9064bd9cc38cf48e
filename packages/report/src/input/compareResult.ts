import { z } from 'zod';
import type { ComparisonMatrix } from './comparisonMatrix.js';

const matrix = z.array(z.array(z.number().nullable()));

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
  crossPrediction: z.object({ auroc: matrix, relativeToOwn: matrix, trialToTrialAuroc: matrix }),
  filterSimilarity: z.array(z.object({ group: z.string(), filter: z.string(), matrix })).default([]),
});
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
  const permute = (m: (number | null)[][]) => order.map((i) => order.map((j) => m[i]?.[j] ?? null));
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
  const out = [
    make('held-out AUROC', result.crossPrediction.auroc, 'sequential'),
    make('trial-to-trial AUROC', result.crossPrediction.trialToTrialAuroc, 'sequential'),
    make('AUROC minus the data’s own model', result.crossPrediction.relativeToOwn, 'diverging'),
  ];
  for (const s of result.filterSimilarity)
    if (s.filter === 'full' || s.filter === 'history')
      out.push({
        ...make(
          'cosine similarity',
          s.matrix,
          'diverging',
          `${kind === 'universality' ? 'Universality' : 'Transfer'}: ${s.filter === 'history' ? 'history filter' : `full filter of ${s.group}`}, cosine similarity`,
        ),
        rows: { title: result.kind === 'systems' ? 'system' : 'condition', labels },
        columns: { title: result.kind === 'systems' ? 'system' : 'condition', labels },
      });
  return out;
}
