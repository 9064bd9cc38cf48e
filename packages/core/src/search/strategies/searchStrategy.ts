import type { Dataset } from '../../dataset/dataset.js';
import type { FamilyPlan } from '../featureFamilies.js';
import type { Candidate, SearchOptions, SearchResult } from '../schema.js';

/** A candidate's family levels: family name → level index (0 = absent). */
export type Levels = Record<string, number>;

/** What a strategy sees of the search: the data, the feature families, the options, and how candidates rank. */
export interface StrategyContext {
  ds: Dataset;
  plans: FamilyPlan[];
  options: SearchOptions;
  /** A level set's candidate key (what paths and the result name candidates by). */
  keyOf(levels: Levels): string;
  /** A candidate's ranking metric, −∞ where undefined. */
  rankValue(c: Candidate): number;
}

/**
 * One walk of a strategy through the candidates. The search asks it for a batch of level sets, scores them
 * (all on the same folds; candidates known already are not refitted) and shows it the scores with the next
 * call, until it has nothing more to propose.
 */
export interface StrategyWalk {
  /** The next level sets to score, given the previous batch's candidates in the same order (null on the first call); null when done. */
  next(scored: Candidate[] | null): Levels[] | null;
  /** The keys of the path it took: the result's `paths[name]`. */
  path(): string[];
  /** What it adds to the result beside its path (the group-lasso route: its λ path and blocks). */
  report?(): Pick<SearchResult, 'groupLasso'>;
}

/**
 * A way of proposing candidates. Every candidate it proposes gets its `name` in `foundBy` (once, however
 * often it is proposed, and whichever strategy scored it first).
 */
export interface SearchStrategy {
  /** Its name in the options' `strategies` and in every `foundBy` it adds. */
  readonly name: string;
  start(context: StrategyContext): StrategyWalk;
}
