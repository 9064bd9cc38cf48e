import { historyColumn, inputColumn, type DesignLayout } from '../design/layout.js';
import { addSecondDifferencePenalty } from '../design/smoothnessPenalty.js';
import type { Penalty } from '../glm/penalty.js';
import type { Spec } from '../spec/schema.js';

/** Ridge on every coefficient plus second-difference smoothness along each ordered filter axis. */
export function designPenalty(spec: Spec, layout: DesignLayout): Penalty {
  const { p, K, J, H, groups } = layout;
  const { ridge, smoothness } = spec.regularization;
  const P = new Float64Array(p * p);
  for (let i = 0; i < p; i++) P[i * p + i] = ridge;
  if (smoothness > 0) {
    for (let g = 0; g < groups.length; g++) {
      if (layout.temporal.ordered)
        for (let k = 0; k < K; k++)
          addSecondDifferencePenalty(
            P,
            p,
            range(J, (j) => inputColumn(layout, g, k, j)),
            smoothness,
          );
      if (layout.spatial.ordered)
        for (let j = 0; j < J; j++)
          addSecondDifferencePenalty(
            P,
            p,
            range(K, (k) => inputColumn(layout, g, k, j)),
            smoothness,
          );
    }
    addSecondDifferencePenalty(
      P,
      p,
      range(H, (h) => historyColumn(layout, h)),
      smoothness,
    );
  }
  return { p, P };
}

function range(n: number, f: (i: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => f(i));
}
