import { groupLassoRoute, type GroupLassoRoute } from '../groupLassoRoute.js';
import type { SearchResult } from '../schema.js';
import type { Levels, SearchStrategy, StrategyContext, StrategyWalk } from './searchStrategy.js';

/**
 * The second, independent route: the family levels a group-lasso path selects, λ by λ, scored like the rest.
 * The structure family is a rank constraint the path cannot select: the other structure is tried on the best
 * of its selections.
 */
export const groupLassoSelection: SearchStrategy = {
  name: 'groupLasso',
  start({ ds, plans, options, keyOf, rankValue }: StrategyContext): StrategyWalk {
    let route: GroupLassoRoute | null = null;
    let path: string[] = [];
    let step = 0;
    return {
      next(scored) {
        step++;
        if (step === 1) {
          route = groupLassoRoute(ds, plans, options);
          const distinct: Levels[] = [];
          for (const levels of route.levels) if (!distinct.some((d) => keyOf(d) === keyOf(levels))) distinct.push(levels);
          return distinct;
        }
        if (step === 2 && scored) {
          path = scored.map((c) => c.key);
          const top = scored.reduce((a, b) => (rankValue(b) > rankValue(a) ? b : a));
          const structure = plans.find((p) => p.kind === 'structure');
          if (structure) return [{ ...top.levels, [structure.name]: top.levels[structure.name] > 0 ? 0 : 1 }];
        }
        return null;
      },
      path: () => path,
      report(): Pick<SearchResult, 'groupLasso'> {
        if (!route) return {};
        return {
          groupLasso: {
            lambdas: route.lambdas,
            blocks: route.blocks.map((b) => ({
              family: b.family,
              level: plans.find((p) => p.name === b.family)!.levels[b.level],
              columns: b.columns,
              enteredAt: b.enteredAt,
            })),
            selected: route.levels.map((levels) => keyOf(levels)),
            unconverged: route.converged.filter((c) => !c).length,
          },
        };
      },
    };
  },
};
