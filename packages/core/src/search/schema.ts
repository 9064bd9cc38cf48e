import { z } from 'zod';
import { closest } from '../errors.js';
import { ControlComparisonSchema } from '../model/controlComparison.js';
import { FigureIntervalsSchema } from '../model/schema.js';
import { FamilySchema, SpecSchema } from '../spec/schema.js';

/** The search strategies a search may run (each is a SearchStrategy in search/strategies/). */
export const STRATEGY_NAMES = ['forward', 'backward', 'groupLasso'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

const StrategyNameSchema = z.enum(STRATEGY_NAMES, {
  error: (issue) => {
    const near = typeof issue.input === 'string' ? closest(issue.input, [...STRATEGY_NAMES]) : null;
    return `unknown strategy '${String(issue.input)}' (${STRATEGY_NAMES.join(', ')})${near ? ` — did you mean '${near}'?` : ''}`;
  },
});

export const SearchOptionsSchema = z.object({
  /** Longest lag window to consider (bins); shorter windows are tried too. */
  maxLag: z.number().int().nonnegative(),
  minLag: z.number().int().nonnegative().default(0),
  family: FamilySchema.default('bernoulli'),
  ridge: z.number().nonnegative().default(1),
  folds: z.number().int().min(2).max(20).default(3),
  seed: z.number().int().default(0),
  /**
   * How the minimal sufficient model is decided. 'bootstrap' (default): the fewest-parameter candidate not
   * significantly worse than the best on the deciding figure — a one-sided paired bootstrap over trials at
   * level `alpha` (see sufficiencyByBootstrap). 'tolerance': the fewest-parameter candidate within
   * `tolerance` of the best (a fixed margin, blind to how much the figure moves with the trials held out).
   */
  sufficiency: z.enum(['bootstrap', 'tolerance']).default('bootstrap'),
  /** One-sided significance level of the bootstrap sufficiency test (default 0.05). */
  alpha: z.number().gt(0).lt(0.5).default(0.05),
  /** Trial resamples of the bootstrap sufficiency test. */
  resamples: z.number().int().min(100).max(100_000).default(1000),
  /**
   * AUROC (pseudo-R² for gaussian) within this of the best counts as sufficient under
   * `sufficiency: 'tolerance'`; forward and backward selection always step by it.
   */
  tolerance: z.number().nonnegative().default(0.005),
  /**
   * Which held-out AUROC the tolerance applies to: windowed (as the method states), trial-to-trial at the
   * response peak's fixed bins, or position-stratified (pairs within each bin, pooled: a function of
   * position alone scores 0.5). Omitted: position-stratified for token-binned data (a language model's flat
   * position profile has no meaningful peak bins), windowed otherwise. The result records the one used.
   */
  sufficientBy: z.enum(['auroc', 'trialToTrialAuroc', 'stratifiedAuroc']).optional(),
  /** Ranks candidates; none can be gamed by a time-only model. */
  rankBy: z.enum(['llGainOverPsth', 'trialToTrialAuroc', 'stratifiedAuroc']).default('llGainOverPsth'),
  /** Let candidates use atoms that read the behaviour's own readout (attribute readsReadout = 'yes'); off by default. */
  includeReadoutAtoms: z.boolean().default(false),
  strategies: z
    .array(StrategyNameSchema)
    .min(1)
    .default([...STRATEGY_NAMES]),
  /** Attributes never used (e.g. identifiers). */
  ignoreAttributes: z.array(z.string()).default([]),
  /** Atoms left out of every candidate, by attribute value (as a spec's exclude): e.g. inputs that read the answer. */
  exclude: z.record(z.string(), z.array(z.union([z.string(), z.number()]))).default({}),
  history: z.boolean().default(true),
});
export type SearchOptions = z.infer<typeof SearchOptionsSchema>;
export type SearchOptionsInput = z.input<typeof SearchOptionsSchema>;

export const FeatureFamilySchema = z.object({
  name: z.string(),
  /** Levels from "absent" (0) upward; each level is a label. */
  levels: z.array(z.string()).min(2),
});
export type FeatureFamily = z.infer<typeof FeatureFamilySchema>;

const num = z.number().nullable();

/** How the minimal model was decided, and on what evidence. */
export const SufficiencySchema = z.discriminatedUnion('method', [
  z.object({
    method: z.literal('bootstrap'),
    /** The deciding figure (the bootstrap's name for it). */
    figure: z.string(),
    alpha: z.number(),
    resamples: z.number().int(),
    seed: z.number().int(),
    /** The candidate best on the deciding figure: what every other is compared with. */
    reference: z.string(),
    /**
     * Candidates examined in size order before the decision: each one's paired difference (candidate − best)
     * and the upper one-sided (1 − α) bootstrap bound of it; 'screened out' ones lost by more than twice the
     * best's own interval width and were not refitted.
     */
    examined: z.array(
      z.object({
        key: z.string(),
        parameters: z.number().int(),
        difference: num,
        /** Lower end of the two-sided (1 − 2α) paired interval whose upper end is `upper` (absent when screened out, or written before it existed). */
        low: num.optional(),
        upper: num,
        verdict: z.enum(['not significantly worse', 'significantly worse', 'screened out']),
      }),
    ),
  }),
  z.object({ method: z.literal('tolerance'), figure: z.string(), tolerance: z.number(), reference: z.string() }),
]);
export type Sufficiency = z.infer<typeof SufficiencySchema>;

export const CandidateSchema = z.object({
  key: z.string(),
  levels: z.record(z.string(), z.number().int()),
  spec: SpecSchema,
  parameters: z.number().int(),
  /** Families above their lowest level. */
  familiesUsed: z.number().int(),
  metrics: z.object({
    auroc: num,
    psthAuroc: num,
    llGainOverPsth: num,
    trialToTrialAuroc: num,
    /** Position-stratified AUROC (absent in results written before it existed). */
    stratifiedAuroc: num.default(null),
    pseudoR2: num,
  }),
  foundBy: z.array(z.string()),
  /**
   * Percentile bootstrap intervals of its held-out figures, resampling whole trials of the same out-of-fold
   * predictions its metrics come from (level, resamples and seed: the result's `candidateIntervals`).
   * Absent in results written before they existed, and for candidates resumed from such a checkpoint.
   */
  intervals: FigureIntervalsSchema.optional(),
});
export type Candidate = z.infer<typeof CandidateSchema>;

export const SearchResultSchema = z.object({
  format: z.literal('occam.search'),
  version: z.literal(1),
  options: SearchOptionsSchema,
  families: z.array(FeatureFamilySchema),
  /** Attributes skipped because an earlier one orders or partitions the atoms identically. */
  redundantAttributes: z.array(z.string()).default([]),
  candidates: z.array(CandidateSchema),
  /** How each candidate's `intervals` were drawn (absent in results written before they existed). */
  candidateIntervals: z
    .object({ method: z.literal('percentile bootstrap over trials'), level: z.number(), resamples: z.number().int(), seed: z.number().int() })
    .optional(),
  /** Keys of candidates on the accuracy-vs-complexity front (parameters ↓, ranking metric ↑). */
  paretoFront: z.array(z.string()),
  best: z.string(),
  minimal: z.string(),
  /** How `minimal` was decided (absent in results written before it existed: a tolerance). */
  sufficiency: SufficiencySchema.optional(),
  /** For the minimal model: each family removed (set to its lowest level), and what that costs. */
  ablations: z.array(
    z.object({
      family: z.string(),
      from: z.string(),
      to: z.string(),
      key: z.string(),
      deltaRank: num,
      deltaAuroc: num,
      deltaTrialToTrialAuroc: num.default(null),
      deltaStratifiedAuroc: num.default(null),
    }),
  ),
  /** Per strategy, the path of keys it took (groupLasso: the distinct selections along its λ path). */
  paths: z.record(z.string(), z.array(z.string())),
  /** The minimal model refitted on all trials: each group's temporal filter and the lag where |weight| peaks. */
  minimalFilters: z
    .array(
      z.object({
        group: z.string(),
        peakLag: z.number(),
        /** The group's whole filter summed (attribute values × lags): how strongly and in which direction it drives the output. */
        netWeight: z.number().optional(),
        temporal: z.object({ x: z.array(z.number()), y: z.array(z.number()) }),
        /** The filter over the spec's ordered attribute and where |weight| peaks (absent without one). */
        spatial: z.object({ attribute: z.string(), peak: z.number(), filter: z.object({ x: z.array(z.number()), y: z.array(z.number()) }) }).optional(),
      }),
    )
    .default([]),
  /** The group-lasso route: its λ values (decreasing), its blocks and where each entered, and the candidate key each λ selects. */
  groupLasso: z
    .object({
      lambdas: z.array(z.number()),
      blocks: z.array(z.object({ family: z.string(), level: z.string(), columns: z.number().int(), enteredAt: z.number().nullable() })),
      selected: z.array(z.string()),
      /** λ values whose fit stopped at the step limit (their selection is still reported, less certain). */
      unconverged: z.number().int().default(0),
    })
    .optional(),
  /** The minimal and best candidates fitted on a control system's dataset, with their selectivity (absent: no control given). */
  control: z.array(z.object({ role: z.string(), key: z.string(), comparison: ControlComparisonSchema.nullable(), note: z.string().nullable() })).optional(),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;
