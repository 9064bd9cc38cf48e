import { validLevels } from '../featureFamilies.js';
import type { Candidate } from '../schema.js';
import type { Levels, SearchStrategy, StrategyContext, StrategyWalk } from './searchStrategy.js';

/**
 * Forward: from the smallest model, raise one family (to any higher level: levels are not equally costly,
 * a smooth filter can beat fine bins that overfit, so one-level steps could stall before reaching it)
 * while the ranking metric improves by more than the tolerance. Backward: from the richest model (every
 * family at its top level; numeric attributes in fine bins, so none is favoured with the single
 * smooth-filter slot), lower one family while the loss stays within the tolerance.
 */
export function stepwiseSelection(direction: 'forward' | 'backward'): SearchStrategy {
  const up = direction === 'forward';
  return {
    name: direction,
    start({ plans, options, rankValue }: StrategyContext): StrategyWalk {
      let levels: Levels = Object.fromEntries(plans.map((p) => [p.name, up ? 0 : p.levels.length - 1]));
      let current: Candidate | null = null;
      let moves: Levels[] = [];
      let done = false;
      const path: string[] = [];
      const movesFrom = (from: Levels): Levels[] =>
        plans
          .flatMap((p) =>
            p.levels
              .map((_, l) => l)
              .filter((l) => (up ? l > from[p.name] : l < from[p.name]))
              .map((l) => ({ ...from, [p.name]: l })),
          )
          .filter((next) => validLevels(plans, next));
      return {
        next(scored) {
          if (done) return null;
          if (scored === null) return [levels];
          if (current === null) current = scored[0];
          else {
            let best = -1;
            for (let i = 0; i < moves.length; i++) if (best < 0 || rankValue(scored[i]) > rankValue(scored[best])) best = i;
            const change = best < 0 ? -Infinity : rankValue(scored[best]) - rankValue(current);
            if (up ? !(change > options.tolerance) : !(change >= -options.tolerance)) {
              done = true;
              return null;
            }
            current = scored[best];
            // The scored candidate's levels, not the proposal's: the search may have canonicalised them.
            levels = { ...current.levels };
          }
          path.push(current.key);
          moves = movesFrom(levels);
          return moves;
        },
        path: () => path,
      };
    },
  };
}
