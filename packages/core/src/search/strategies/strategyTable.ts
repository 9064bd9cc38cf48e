import { STRATEGY_NAMES, type StrategyName } from '../schema.js';
import { backwardElimination } from './backwardElimination.js';
import { forwardSelection } from './forwardSelection.js';
import { groupLassoSelection } from './groupLassoSelection.js';
import type { SearchStrategy } from './searchStrategy.js';

/** The strategies a search can be asked for by name. */
export const SEARCH_STRATEGIES: Record<StrategyName, SearchStrategy> = {
  forward: forwardSelection,
  backward: backwardElimination,
  groupLasso: groupLassoSelection,
};

/**
 * The strategies named, in the table's order whatever order they were named in: a candidate's `foundBy`
 * and the result's `paths` then do not depend on how the list was written.
 */
export function strategiesNamed(names: readonly StrategyName[]): SearchStrategy[] {
  return STRATEGY_NAMES.filter((n) => names.includes(n)).map((n) => SEARCH_STRATEGIES[n]);
}
