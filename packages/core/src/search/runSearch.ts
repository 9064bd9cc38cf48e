import type { Dataset } from '../dataset/dataset.js';
import type { Atom } from '../dataset/schema.js';
import { buildLayout, rankOneIsVacuous } from '../design/layout.js';
import { fitReducedModel } from '../model/fitReducedModel.js';
import { SpecSchema, type Spec } from '../spec/schema.js';
import { CandidatePool } from './candidatePool.js';
import { executorScorer, type CandidateScorer, type SearchExecutor } from './candidateScorer.js';
import { candidateIntervalOptions, candidateIntervalsRecord } from './candidateIntervals.js';
import { featureFamilies, redundantAttributes, type FamilyPlan, type SpecDraft } from './featureFamilies.js';
import { CandidateSchema, type Candidate, type SearchOptions, type SearchOptionsInput, type SearchResult, type Sufficiency } from './schema.js';
import { fingerprintOf, SearchCheckpoint, searchScoring } from './searchCheckpoint.js';
import { parseSearchOptions } from './searchOptions.js';
import type { Levels, SearchStrategy, StrategyContext } from './strategies/searchStrategy.js';
import { strategiesNamed } from './strategies/strategyTable.js';
import { decidingFigure, sufficiencyByBootstrap } from './sufficiencyByBootstrap.js';

type SufficiencyMetric = NonNullable<SearchOptions['sufficientBy']>;

export interface SearchHooks {
  /** (fits done, fits expected so far) — expected grows as the strategies move. */
  onProgress?: (done: number, expected: number) => void;
  /** JSON-lines file of finished candidates: reread on start so an interrupted search resumes. */
  checkpoint?: string;
  /** Called once with how many scored candidates the checkpoint already held (0 for a new one). */
  onResume?: (candidates: number) => void;
  /** Threads scoring candidates (default: one per core). The result does not depend on it. */
  threads?: number;
  /** Strategies to run instead of those the options name (a strategy of one's own, in tests or experiments). */
  strategies?: SearchStrategy[];
  /** Score the candidates as tasks of this executor instead of on threads here (`threads` is then unused). */
  executor?: SearchExecutor;
}

function keyOf(plans: FamilyPlan[], levels: Levels): string {
  return plans.map((p) => `${p.name}=${p.levels[levels[p.name]]}`).join('; ');
}

function specOf(plans: FamilyPlan[], levels: Levels, options: SearchOptions): Spec {
  const draft: SpecDraft = {
    groupBy: [],
    temporal: { minLag: options.minLag, maxLag: options.maxLag, basis: { kind: 'raw' } },
    history: null,
    structure: 'separable',
  };
  for (const p of plans) p.apply(levels[p.name], draft);
  return SpecSchema.parse({
    ...draft,
    exclude: options.exclude,
    includeReadoutAtoms: options.includeReadoutAtoms,
    family: options.family,
    regularization: { ridge: options.ridge, smoothness: 0 },
    validation: { kind: 'kfold', folds: options.folds, seed: options.seed },
  });
}

/**
 * The minimal model refitted on all trials: where each group's temporal filter peaks (|weight| largest) —
 * what the search "found" about timing, e.g. a language model's look-back offset.
 */
function minimalFilters(ds: Dataset, spec: Spec): SearchResult['minimalFilters'] {
  const model = fitReducedModel(ds, spec, { coincidence: false, bootstrap: false });
  const peakOf = (y: number[]) => y.reduce((best, v, i) => (Math.abs(v) > Math.abs(y[best]) ? i : best), 0);
  return model.filters.groups.map((g) => {
    const peak = peakOf(g.temporal.y);
    // With a filter over an ordered attribute (a language model's token offset, a neuron's soma distance), where it peaks.
    const spatial =
      spec.spatial && g.spatial.x.length > 1 ? { attribute: spec.spatial.attribute, peak: g.spatial.x[peakOf(g.spatial.y)], filter: g.spatial } : null;
    const netWeight = g.full.z.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
    return { group: g.label, peakLag: g.temporal.x[peak], netWeight, temporal: g.temporal, ...(spatial ? { spatial } : {}) };
  });
}

function excludedAtom(atom: Atom, exclude: Record<string, (string | number)[]>): boolean {
  return Object.entries(exclude).some(([attr, values]) => atom.attributes[attr] !== undefined && values.includes(atom.attributes[attr]));
}

function rankValue(c: Candidate, by: SearchOptions['rankBy']): number {
  const v = c.metrics[by];
  return v === null ? -Infinity : v;
}

/**
 * Sufficiency is judged on held-out AUROC (pseudo-R² for continuous targets), as the method prescribes, or
 * on the trial-to-trial AUROC at fixed bins when asked: where windowed AUROC saturates (≈ 0.99 on neuron
 * data, mostly from the stimulus-locked rate), a tolerance on it cannot see a feature that only sharpens
 * the timing within a trial.
 */
function accuracyValue(c: Candidate, gaussian: boolean, by: SufficiencyMetric): number {
  const v = gaussian ? c.metrics.pseudoR2 : c.metrics[by];
  return v === null ? -Infinity : v;
}

/**
 * Systematic search over feature families generated from the dataset's attributes. Forward selection
 * raises one family one level at a time while the ranking metric improves by more than the tolerance;
 * backward elimination lowers one family at a time while the loss stays within it. Every candidate is
 * scored by k-fold cross-validation on the same folds. The result has the Pareto front, the best and the
 * minimal sufficient candidate, and the ablations that justify each family of the minimal one.
 */
export async function runSearch(ds: Dataset, optionsInput: SearchOptionsInput, hooks: SearchHooks = {}): Promise<SearchResult> {
  // Checked against the data too (lags within a trial, attributes that exist), with the data's defaults.
  const options = parseSearchOptions(optionsInput, ds.manifest);
  const sufficientBy: SufficiencyMetric = options.sufficientBy!;
  const atoms = ds.manifest.atoms.filter((a) => !excludedAtom(a, options.exclude) && (options.includeReadoutAtoms || a.attributes.readsReadout !== 'yes'));
  const plans = featureFamilies(atoms, options);
  const gaussian = options.family === 'gaussian';
  const intervals = candidateIntervalOptions(options);
  const done = new Map<string, Candidate>();
  const scoring = hooks.checkpoint ? searchScoring(ds, options) : null;
  const checkpoint = hooks.checkpoint && scoring ? await SearchCheckpoint.open(hooks.checkpoint, fingerprintOf(scoring), scoring) : null;
  if (checkpoint) hooks.onResume?.(checkpoint.resumed.length);
  // A resumed candidate is credited only by the strategies of this run that find it again.
  for (const c of checkpoint?.resumed ?? []) done.set(c.key, { ...c, foundBy: [] });
  const structurePlan = plans.find((p) => p.kind === 'structure');
  /**
   * Where no group has more than one spatial value (or the temporal basis one function), rank 1 constrains
   * nothing and 'full' is the same model as 'separable' (fitted as the full filter either way): the structure
   * family stays at its first level, so the candidate is scored once and the family is not counted as used.
   */
  const canonicalLevels = (levels: Levels): Levels => {
    if (!structurePlan || levels[structurePlan.name] === 0) return levels;
    const layout = buildLayout(specOf(plans, levels, options), ds.manifest.atoms);
    return rankOneIsVacuous(layout) ? { ...levels, [structurePlan.name]: 0 } : levels;
  };
  const pool: CandidateScorer = hooks.executor ? executorScorer(ds, hooks.executor) : await CandidatePool.start(ds, hooks.threads);
  try {
    return await searchWith(pool);
  } finally {
    await pool.close();
  }

  async function searchWith(pool: CandidateScorer): Promise<SearchResult> {
    let fits = 0;
    let expected = 0;
    /**
     * Score level sets not yet known (on the pool's threads) and return them in order. Strategies walk at the
     * same time, so a candidate another strategy already has in flight is awaited, not scored again; the
     * checkpoint gets each candidate once, as it finishes.
     */
    const inFlight = new Map<string, Promise<Candidate>>();
    let appended = Promise.resolve();
    const evaluateAll = async (proposed: Levels[], strategy: string): Promise<Candidate[]> => {
      const list = proposed.map(canonicalLevels);
      const keys = list.map((levels) => keyOf(plans, levels));
      keys.forEach((key, i) => {
        if (done.has(key) || inFlight.has(key)) return;
        const levels = { ...list[i] };
        const spec = specOf(plans, levels, options);
        inFlight.set(
          key,
          pool.score(spec, intervals).then((score) => {
            fits++;
            hooks.onProgress?.(fits, Math.max(expected, fits));
            const candidate: Candidate = { key, levels, spec, ...score, familiesUsed: plans.filter((p) => levels[p.name] > 0).length, foundBy: [] };
            done.set(key, candidate);
            inFlight.delete(key);
            if (checkpoint) appended = appended.then(() => checkpoint.append({ ...candidate, foundBy: [strategy] }));
            return candidate;
          }),
        );
      });
      await Promise.all(keys.map((key) => inFlight.get(key)));
      await appended;
      return keys.map((key) => {
        const c = done.get(key)!;
        if (!c.foundBy.includes(strategy)) c.foundBy.push(strategy);
        return c;
      });
    };

    const paths: Record<string, string[]> = {};
    let groupLasso: SearchResult['groupLasso'];
    const context: StrategyContext = {
      ds,
      plans,
      options,
      keyOf: (levels) => keyOf(plans, canonicalLevels(levels)),
      rankValue: (c) => rankValue(c, options.rankBy),
    };
    // Each strategy proposes batches and sees their scores; every candidate is scored once, on the same folds.
    // The strategies walk at the same time (each walk depends only on its own proposals' scores, so the result
    // is the one a walk after another gives): one strategy's small batches then no longer leave threads idle.
    const strategies = hooks.strategies ?? strategiesNamed(options.strategies);
    const walked = await Promise.all(
      strategies.map(async (strategy) => {
        const walk = strategy.start(context);
        let scored: Candidate[] | null = null;
        for (let batch = walk.next(null); batch !== null; batch = walk.next(scored)) {
          expected += batch.length;
          scored = await evaluateAll(batch, strategy.name);
        }
        return walk;
      }),
    );
    walked.forEach((walk, i) => {
      paths[strategies[i].name] = walk.path();
      groupLasso = walk.report?.().groupLasso ?? groupLasso;
    });
    // Credited in strategy order, as a walk after another would have credited them.
    const order = strategies.map((st) => st.name);
    for (const c of done.values()) c.foundBy.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    const tol = options.tolerance;

    // Fewest parameters first; at equal size, fewer families (an equal partition reached with less is simpler).
    const bySize = (a: Candidate, b: Candidate) => a.parameters - b.parameters || a.familiesUsed - b.familiesUsed || a.key.localeCompare(b.key);
    // What this run's strategies found: a resumed checkpoint may also hold an earlier run's ablations, or
    // candidates of other strategies, which an uninterrupted run of these would not list.
    const candidates = [...done.values()].filter((c) => c.foundBy.length > 0).sort(bySize);
    const best = candidates.reduce((a, b) => (rankValue(b, options.rankBy) > rankValue(a, options.rankBy) ? b : a));
    const by = sufficientBy;
    const decide = (c: Candidate) => accuracyValue(c, gaussian, by);
    let minimal: Candidate;
    let sufficiency: Sufficiency;
    if (options.sufficiency === 'bootstrap') {
      // Refits run here, on the calling thread, in size order: the decision does not depend on the thread count.
      ({ minimal, sufficiency } = sufficiencyByBootstrap(ds, candidates, decide, decidingFigure(by, gaussian), {
        alpha: options.alpha,
        resamples: options.resamples,
        seed: options.seed,
      }));
    } else {
      const reference = candidates.reduce((a, b) => (decide(b) > decide(a) ? b : a));
      minimal = candidates.find((c) => decide(c) >= decide(reference) - tol) ?? best;
      sufficiency = { method: 'tolerance', figure: decidingFigure(by, gaussian), tolerance: tol, reference: reference.key };
    }
    const paretoFront: string[] = [];
    let bar = -Infinity;
    for (const c of candidates) {
      const v = rankValue(c, options.rankBy);
      if (v > bar) {
        paretoFront.push(c.key);
        bar = v;
      }
    }
    const ablations: SearchResult['ablations'] = [];
    // The ablation removes a family altogether (level 0), which is what "this family is needed" means.
    const ablated = plans.filter((p) => minimal.levels[p.name] > 0);
    const ablationScores = await evaluateAll(
      ablated.map((p) => ({ ...minimal.levels, [p.name]: 0 })),
      'ablation',
    );
    for (const [i, p] of ablated.entries()) {
      const from = minimal.levels[p.name];
      const c = ablationScores[i];
      const d = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
      ablations.push({
        family: p.name,
        from: p.levels[from],
        to: p.levels[0],
        key: c.key,
        deltaRank: d(c.metrics[options.rankBy], minimal.metrics[options.rankBy]),
        deltaAuroc: d(gaussian ? c.metrics.pseudoR2 : c.metrics.auroc, gaussian ? minimal.metrics.pseudoR2 : minimal.metrics.auroc),
        deltaTrialToTrialAuroc: d(c.metrics.trialToTrialAuroc, minimal.metrics.trialToTrialAuroc),
        deltaStratifiedAuroc: d(c.metrics.stratifiedAuroc, minimal.metrics.stratifiedAuroc),
      });
    }
    return {
      format: 'occam.search',
      version: 1,
      options,
      families: plans.map(({ name, levels }) => ({ name, levels })),
      redundantAttributes: redundantAttributes(atoms, options),
      // In the schema's field order, so that a search resumed from its checkpoint writes the same bytes.
      candidates: candidates.map((c) => CandidateSchema.parse(c)),
      candidateIntervals: candidateIntervalsRecord(intervals),
      paretoFront,
      best: best.key,
      minimal: minimal.key,
      sufficiency,
      ablations,
      paths,
      ...(groupLasso ? { groupLasso } : {}),
      minimalFilters: minimalFilters(ds, minimal.spec),
    };
  }
}
