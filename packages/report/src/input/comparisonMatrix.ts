import { z } from 'zod';

/**
 * `occam.matrix` v1: a labelled matrix from a comparison, for the report's matrix heatmaps.
 * - kind "universality": rows and columns are systems (neuron models, language models); a cell is e.g. the
 *   held-out metric of the model fitted on the row's system when evaluated on the column's system, or the
 *   similarity of their filters;
 * - kind "transfer": rows and columns are conditions (stimuli, prompt sets); a cell is the metric of the
 *   model fitted under the row's condition evaluated under the column's.
 *
 * ```json
 * { "format": "occam.matrix", "version": 1, "kind": "transfer", "metric": "trial-to-trial AUROC",
 *   "rows": { "title": "fitted on", "labels": ["C2", "D2"] },
 *   "columns": { "title": "evaluated on", "labels": ["C2", "D2"] },
 *   "values": [[0.91, 0.88], [0.87, 0.92]],
 *   "intervals": [[[0.89, 0.93], [0.85, 0.9]], [[0.84, 0.9], [0.9, 0.94]]], "intervalLevel": 0.95 }
 * ```
 */
export const ComparisonMatrixSchema = z
  .object({
    format: z.literal('occam.matrix'),
    version: z.literal(1),
    kind: z.enum(['universality', 'transfer']),
    title: z.string().optional(),
    /** What a cell holds, with its unit if any: "trial-to-trial AUROC", "filter correlation". */
    metric: z.string().min(1),
    rows: z.object({ title: z.string().min(1), labels: z.array(z.string()).min(1) }),
    columns: z.object({ title: z.string().min(1), labels: z.array(z.string()).min(1) }),
    /** values[row][column]; null for pairs not computed. */
    values: z.array(z.array(z.number().nullable())),
    /** Optional baseline per cell (same shape), shown on hover: e.g. the PSTH's score on the column's data. */
    baseline: z.array(z.array(z.number().nullable())).optional(),
    /** Colour scale: "diverging" around 0 for signed values; default sequential unless a value is negative. */
    scale: z.enum(['sequential', 'diverging']).optional(),
    /** Optional interval per cell (same shape): [low, high], null where none was computed; shown on hover and, where it fits, in the cell. */
    intervals: z.array(z.array(z.tuple([z.number(), z.number()]).nullable())).optional(),
    /** Coverage of `intervals` (0.95 for 95 %). */
    intervalLevel: z.number().gt(0).lt(1).optional(),
  })
  .superRefine((m, ctx) => {
    const check = (name: 'values' | 'baseline' | 'intervals', grid: unknown[][] | undefined) => {
      if (!grid) return;
      if (grid.length !== m.rows.labels.length)
        ctx.addIssue({ code: 'custom', path: [name], message: `has ${grid.length} rows, expected ${m.rows.labels.length} (rows.labels)` });
      grid.forEach((row, i) => {
        if (row.length !== m.columns.labels.length)
          ctx.addIssue({ code: 'custom', path: [name, i], message: `has ${row.length} values, expected ${m.columns.labels.length} (columns.labels)` });
      });
    };
    check('values', m.values);
    check('baseline', m.baseline);
    check('intervals', m.intervals);
  });
export type ComparisonMatrix = z.infer<typeof ComparisonMatrixSchema>;
export type ComparisonMatrixInput = z.input<typeof ComparisonMatrixSchema>;
