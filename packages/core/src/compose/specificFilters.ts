import { inputColumn } from '../design/layout.js';
import type { ConditionStack } from './conditionStack.js';
import type { FittedComposition } from './fitComposition.js';
import type { ComposeSpecificFilter } from './schema.js';

/**
 * Each condition's copy of every condition-specific input filter in a composition, as a profile over the spatial
 * attribute's values (summed over lags; mean over folds), with where its magnitude peaks — what says how a filter
 * differs between conditions (e.g. an attention filter over token offset peaking one period back).
 */
export function specificFilters(stack: ConditionStack, fits: FittedComposition[]): ComposeSpecificFilter[] {
  const { layout } = stack;
  const specific = new Set(fits[0].composition.specific);
  const x = Array.from(layout.spatialValues);
  const points = Math.max(x.length, 1);
  const out: ComposeSpecificFilter[] = [];
  layout.groups.forEach((g, gi) => {
    if (!specific.has(g.label)) return;
    const byCondition = stack.names.map((name, c) => {
      const profile = new Array<number>(points).fill(0);
      for (const fit of fits)
        for (let k = 0; k < layout.K; k++)
          for (let j = 0; j < layout.J; j++) {
            const col = fit.columns.columnOf[inputColumn(layout, gi, k, j)][c];
            const w = fit.beta[1 + col] / fits.length;
            let lagSum = 0;
            for (const v of layout.temporal.matrix[j]) lagSum += v;
            for (let i = 0; i < points; i++) profile[i] += w * lagSum * (x.length ? layout.spatial.matrix[k][i] : 1);
          }
      let peak = 0;
      profile.forEach((v, i) => {
        if (Math.abs(v) > Math.abs(profile[peak])) peak = i;
      });
      return { condition: name, profile, peak: x.length ? x[peak] : null };
    });
    out.push({ family: g.label, attribute: layout.spatialAttribute, x, byCondition });
  });
  return out;
}
