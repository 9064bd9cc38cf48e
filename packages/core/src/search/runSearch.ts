import { createHash } from 'node:crypto';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import type { Dataset } from '../dataset/dataset.js';
import type { Atom } from '../dataset/schema.js';
import { OccamError } from '../errors.js';
import { fitReducedModel } from '../model/fitReducedModel.js';
import { SpecSchema, type Spec } from '../spec/schema.js';
import { CandidatePool } from './candidatePool.js';
import { featureFamilies, redundantAttributes, validLevels, type FamilyPlan, type SpecDraft } from './featureFamilies.js';
import { groupLassoRoute } from './groupLassoRoute.js';
import {
  CandidateSchema,
  SearchOptionsSchema,
  type Candidate,
  type SearchOptions,
  type SearchOptionsInput,
  type SearchResult,
  type Sufficiency,
} from './schema.js';
import { decidingFigure, sufficiencyByBootstrap } from './sufficiencyByBootstrap.js';

type Levels = Record<string, number>;
type SufficiencyMetric = NonNullable<SearchOptions['sufficientBy']>;

export interface SearchHooks {
  /** (fits done, fits expected so far) — expected grows as the strategies move. */
  onProgress?: (done: number, expected: number) => void;
  /** JSON-lines file of finished candidates: reread on start so an interrupted search resumes. */
  checkpoint?: string;
  /** Threads scoring candidates (default: one per core). The result does not depend on it. */
  threads?: number;
}

function keyOf(plans: FamilyPlan[], levels: Levels): string {
  return plans.map((p) => `${p.name}=${p.levels[levels[p.name]]}`).join('; ');
}

function specOf(plans: FamilyPlan[], levels: Levels, options: ReturnType<typeof SearchOptionsSchema.parse>): Spec {
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

/**
 * What a checkpoint's candidates depend on: the data and the options that change a candidate's score
 * (not the tolerance, ranking or strategies — a resumed search may change those and reuse every fit).
 */
function searchFingerprint(ds: Dataset, options: SearchOptions): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(ds.manifest));
  for (const a of [ds.inputs, ds.target, ds.scored]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  const { family, ridge, folds, seed, minLag, maxLag, history, exclude, ignoreAttributes } = options;
  // includeReadoutAtoms joins the fingerprint only when set, so checkpoints written before it existed still resume.
  const { includeReadoutAtoms } = options;
  h.update(
    JSON.stringify({ family, ridge, folds, seed, minLag, maxLag, history, exclude, ignoreAttributes, ...(includeReadoutAtoms ? { includeReadoutAtoms } : {}) }),
  );
  return h.digest('hex').slice(0, 32);
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
  const parsed = SearchOptionsSchema.safeParse(optionsInput);
  if (!parsed.success) throw new OccamError(`search options: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
  const options = parsed.data;
  const sufficientBy: SufficiencyMetric = options.sufficientBy ?? (ds.manifest.binUnit === 'token' ? 'stratifiedAuroc' : 'auroc');
  options.sufficientBy = sufficientBy;
  const atoms = ds.manifest.atoms.filter((a) => !excludedAtom(a, options.exclude) && (options.includeReadoutAtoms || a.attributes.readsReadout !== 'yes'));
  const plans = featureFamilies(atoms, options);
  const gaussian = options.family === 'gaussian';
  const done = new Map<string, Candidate>();
  if (hooks.checkpoint) {
    let text = '';
    try {
      text = await readFile(hooks.checkpoint, 'utf8');
    } catch {
      /* no checkpoint yet */
    }
    const fingerprint = searchFingerprint(ds, options);
    const lines = text.split('\n');
    const first = lines.findIndex((l) => l.trim());
    if (first < 0) await writeFile(hooks.checkpoint, JSON.stringify({ format: 'occam.search-checkpoint', fingerprint }) + '\n');
    else {
      let header: { format?: string; fingerprint?: string } = {};
      try {
        header = JSON.parse(lines[first]);
      } catch {
        /* reported below */
      }
      if (header.format !== 'occam.search-checkpoint') {
        throw new OccamError(`${hooks.checkpoint}:${first + 1}: not a search checkpoint (no header line); delete the file to start over`, {
          file: hooks.checkpoint,
          line: first + 1,
        });
      }
      if (header.fingerprint !== fingerprint) {
        throw new OccamError(
          `${hooks.checkpoint}: written for another dataset or other scoring options (family, ridge, folds, seed, lags, history, exclude, ignored attributes); delete it or name another checkpoint`,
          { file: hooks.checkpoint },
        );
      }
    }
    lines.forEach((line, i) => {
      if (i <= first || !line.trim()) return;
      try {
        const c = CandidateSchema.parse(JSON.parse(line));
        done.set(c.key, c);
      } catch {
        throw new OccamError(`${hooks.checkpoint}:${i + 1}: not a search checkpoint line; delete the file to start over`, {
          file: hooks.checkpoint,
          line: i + 1,
        });
      }
    });
  }
  const pool = await CandidatePool.start(ds, hooks.threads);
  try {
    return await searchWith(pool);
  } finally {
    await pool.close();
  }

  async function searchWith(pool: CandidatePool): Promise<SearchResult> {
    let fits = 0;
    let expected = 0;
    /** Score level sets not yet known (on the pool's threads), in order; the checkpoint gets them in that order. */
    const evaluateAll = async (list: Levels[], strategy: string): Promise<Candidate[]> => {
      const keys = list.map((levels) => keyOf(plans, levels));
      const fresh = new Map<string, Promise<Candidate>>();
      keys.forEach((key, i) => {
        if (done.has(key) || fresh.has(key)) return;
        const levels = { ...list[i] };
        const spec = specOf(plans, levels, options);
        fresh.set(
          key,
          pool.score(spec).then((score) => {
            fits++;
            hooks.onProgress?.(fits, Math.max(expected, fits));
            return { key, levels, spec, ...score, familiesUsed: plans.filter((p) => levels[p.name] > 0).length, foundBy: [] };
          }),
        );
      });
      for (const [key, promise] of fresh) {
        const candidate = await promise;
        done.set(key, candidate);
        if (hooks.checkpoint) await appendFile(hooks.checkpoint, JSON.stringify({ ...candidate, foundBy: [strategy] }) + '\n');
      }
      return keys.map((key) => {
        const c = done.get(key)!;
        if (!c.foundBy.includes(strategy)) c.foundBy.push(strategy);
        return c;
      });
    };
    const evaluate = async (levels: Levels, strategy: string): Promise<Candidate> => (await evaluateAll([levels], strategy))[0];

    const paths: Record<string, string[]> = {};
    const tol = options.tolerance;
    /**
     * Forward: from the smallest model, raise one family (to any higher level: levels are not equally costly,
     * a smooth filter can beat fine bins that overfit, so one-level steps could stall before reaching it)
     * while the ranking metric improves by more than the tolerance. Backward: from the richest model (every
     * family at its top level; numeric attributes in fine bins, so none is favoured with the single
     * smooth-filter slot), lower one family while the loss stays within the tolerance.
     */
    const stepwise = async (strategy: 'forward' | 'backward'): Promise<void> => {
      const up = strategy === 'forward';
      let levels: Levels = Object.fromEntries(plans.map((p) => [p.name, up ? 0 : p.levels.length - 1]));
      let current = await evaluate(levels, strategy);
      paths[strategy] = [current.key];
      for (;;) {
        const moves = plans
          .flatMap((p) =>
            p.levels
              .map((_, l) => l)
              .filter((l) => (up ? l > levels[p.name] : l < levels[p.name]))
              .map((l) => ({ ...levels, [p.name]: l })),
          )
          .filter((next) => validLevels(plans, next));
        expected += moves.length;
        const scored = await evaluateAll(moves, strategy);
        let best = -1;
        for (let i = 0; i < moves.length; i++) if (best < 0 || rankValue(scored[i], options.rankBy) > rankValue(scored[best], options.rankBy)) best = i;
        const change = best < 0 ? -Infinity : rankValue(scored[best], options.rankBy) - rankValue(current, options.rankBy);
        if (up ? !(change > tol) : !(change >= -tol)) break;
        levels = moves[best];
        current = scored[best];
        paths[strategy].push(current.key);
      }
    };
    if (options.strategies.includes('forward')) await stepwise('forward');
    if (options.strategies.includes('backward')) await stepwise('backward');
    let groupLasso: SearchResult['groupLasso'];
    if (options.strategies.includes('groupLasso')) {
      // Second, independent route: the family levels a group-lasso path selects, λ by λ, scored like the rest.
      const route = groupLassoRoute(ds, plans, options);
      const distinct: Levels[] = [];
      for (const levels of route.levels) if (!distinct.some((d) => keyOf(plans, d) === keyOf(plans, levels))) distinct.push(levels);
      expected += distinct.length + 1;
      const scored = await evaluateAll(distinct, 'groupLasso');
      const top = scored.reduce((a, b) => (rankValue(b, options.rankBy) > rankValue(a, options.rankBy) ? b : a));
      // The structure family is a rank constraint the path cannot select: try the other structure on its best.
      const structure = plans.find((p) => p.name === 'structure');
      if (structure) await evaluate({ ...top.levels, structure: top.levels.structure > 0 ? 0 : 1 }, 'groupLasso');
      paths.groupLasso = scored.map((c) => c.key);
      groupLasso = {
        lambdas: route.lambdas,
        blocks: route.blocks.map((b) => ({
          family: b.family,
          level: plans.find((p) => p.name === b.family)!.levels[b.level],
          columns: b.columns,
          enteredAt: b.enteredAt,
        })),
        selected: route.levels.map((levels) => keyOf(plans, levels)),
        unconverged: route.converged.filter((c) => !c).length,
      };
    }

    // Fewest parameters first; at equal size, fewer families (an equal partition reached with less is simpler).
    const bySize = (a: Candidate, b: Candidate) => a.parameters - b.parameters || a.familiesUsed - b.familiesUsed || a.key.localeCompare(b.key);
    const candidates = [...done.values()].sort(bySize);
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
      candidates,
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
