import { appendFile, readFile } from 'node:fs/promises';
import type { Dataset } from '../dataset/dataset.js';
import { OccamError } from '../errors.js';
import { fitReducedModel } from '../model/fitReducedModel.js';
import { SpecSchema, type Spec } from '../spec/schema.js';
import { featureFamilies, validLevels, type FamilyPlan, type SpecDraft } from './featureFamilies.js';
import { CandidateSchema, SearchOptionsSchema, type Candidate, type SearchOptionsInput, type SearchResult } from './schema.js';

type Levels = Record<string, number>;

export interface SearchHooks {
  /** (fits done, fits expected so far) — expected grows as the strategies move. */
  onProgress?: (done: number, expected: number) => void;
  /** JSON-lines file of finished candidates: reread on start so an interrupted search resumes. */
  checkpoint?: string;
}

function keyOf(plans: FamilyPlan[], levels: Levels): string {
  return plans.map((p) => `${p.name}=${p.levels[levels[p.name]]}`).join('; ');
}

function specOf(plans: FamilyPlan[], levels: Levels, options: ReturnType<typeof SearchOptionsSchema.parse>): Spec {
  const draft: SpecDraft = { groupBy: [], temporal: { minLag: options.minLag, maxLag: options.maxLag, basis: { kind: 'raw' } }, history: null, structure: 'separable' };
  for (const p of plans) p.apply(levels[p.name], draft);
  return SpecSchema.parse({
    ...draft,
    family: options.family,
    regularization: { ridge: options.ridge, smoothness: 0 },
    validation: { kind: 'kfold', folds: options.folds, seed: options.seed },
  });
}

function rankValue(c: Candidate, by: 'llGainOverPsth' | 'trialToTrialAuroc'): number {
  const v = c.metrics[by];
  return v === null ? -Infinity : v;
}

/** Sufficiency is judged on held-out AUROC (pseudo-R² for continuous targets), as the method prescribes. */
function accuracyValue(c: Candidate, gaussian: boolean): number {
  const v = gaussian ? c.metrics.pseudoR2 : c.metrics.auroc;
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
  const plans = featureFamilies(ds.manifest.atoms, options);
  const gaussian = options.family === 'gaussian';
  const done = new Map<string, Candidate>();
  if (hooks.checkpoint) {
    let text = '';
    try {
      text = await readFile(hooks.checkpoint, 'utf8');
    } catch {
      /* no checkpoint yet */
    }
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const c = CandidateSchema.parse(JSON.parse(line));
        done.set(c.key, c);
      } catch {
        throw new OccamError(`${hooks.checkpoint}:${i + 1}: not a search checkpoint line; delete the file to start over`, { file: hooks.checkpoint, line: i + 1 });
      }
    });
  }
  let fits = 0;
  let expected = 0;
  const evaluate = async (levels: Levels, strategy: string): Promise<Candidate> => {
    const key = keyOf(plans, levels);
    const known = done.get(key);
    if (known) {
      if (!known.foundBy.includes(strategy)) known.foundBy.push(strategy);
      return known;
    }
    const spec = specOf(plans, levels, options);
    // Only held-out scores matter here: no final refit on all trials, no spike-train simulation.
    const model = fitReducedModel(ds, spec, { coincidence: false, refit: false });
    const t = model.metrics.test;
    const candidate: Candidate = {
      key,
      levels: { ...levels },
      spec,
      parameters: model.fit.parameters,
      familiesUsed: plans.filter((p) => levels[p.name] > 0).length,
      metrics: {
        auroc: t.model.auroc,
        psthAuroc: t.psth.auroc,
        llGainOverPsth: t.gainOverPsth.bitsPerEvent,
        trialToTrialAuroc: t.trialToTrialAuroc.model,
        pseudoR2: t.model.pseudoR2,
      },
      foundBy: [strategy],
    };
    done.set(key, candidate);
    if (hooks.checkpoint) await appendFile(hooks.checkpoint, JSON.stringify(candidate) + '\n');
    fits++;
    hooks.onProgress?.(fits, Math.max(expected, fits));
    return candidate;
  };

  const paths: Record<string, string[]> = {};
  const tol = options.tolerance;
  if (options.strategies.includes('forward')) {
    let levels: Levels = Object.fromEntries(plans.map((p) => [p.name, 0]));
    let current = await evaluate(levels, 'forward');
    paths.forward = [current.key];
    for (;;) {
      // A family may move to any higher level (levels are not equally costly: a smooth filter can beat
      // fine bins that overfit, so one-level steps could stall before reaching it).
      const moves = plans
        .flatMap((p) => p.levels.map((_, l) => l).filter((l) => l > levels[p.name]).map((l) => ({ ...levels, [p.name]: l })))
        .filter((next) => validLevels(plans, next));
      expected += moves.length;
      let best: { c: Candidate; levels: Levels } | null = null;
      for (const next of moves) {
        const c = await evaluate(next, 'forward');
        if (!best || rankValue(c, options.rankBy) > rankValue(best.c, options.rankBy)) best = { c, levels: next };
      }
      if (!best || rankValue(best.c, options.rankBy) <= rankValue(current, options.rankBy) + tol) break;
      levels = best.levels;
      current = best.c;
      paths.forward.push(current.key);
    }
  }
  if (options.strategies.includes('backward')) {
    // Start from the richest model (every family at its top level; numeric attributes in fine bins, so
    // no attribute is favoured with the single smooth-filter slot).
    let levels: Levels = Object.fromEntries(plans.map((p) => [p.name, p.levels.length - 1]));
    let current = await evaluate(levels, 'backward');
    paths.backward = [current.key];
    for (;;) {
      const moves = plans
        .flatMap((p) => p.levels.map((_, l) => l).filter((l) => l < levels[p.name]).map((l) => ({ ...levels, [p.name]: l })))
        .filter((next) => validLevels(plans, next));
      expected += moves.length;
      let best: { c: Candidate; levels: Levels } | null = null;
      for (const next of moves) {
        const c = await evaluate(next, 'backward');
        if (!best || rankValue(c, options.rankBy) > rankValue(best.c, options.rankBy)) best = { c, levels: next };
      }
      if (!best || rankValue(best.c, options.rankBy) < rankValue(current, options.rankBy) - tol) break;
      levels = best.levels;
      current = best.c;
      paths.backward.push(current.key);
    }
  }

  const candidates = [...done.values()].sort((a, b) => a.parameters - b.parameters || a.key.localeCompare(b.key));
  const best = candidates.reduce((a, b) => (rankValue(b, options.rankBy) > rankValue(a, options.rankBy) ? b : a));
  const bestAccuracy = Math.max(...candidates.map((c) => accuracyValue(c, gaussian)));
  const minimal = candidates.find((c) => accuracyValue(c, gaussian) >= bestAccuracy - tol) ?? best;
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
  for (const p of plans) {
    const from = minimal.levels[p.name];
    if (from === 0) continue;
    // The ablation removes the family altogether (level 0), which is what "this family is needed" means.
    const lowered = { ...minimal.levels, [p.name]: 0 };
    const c = await evaluate(lowered, 'ablation');
    const d = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
    ablations.push({
      family: p.name,
      from: p.levels[from],
      to: p.levels[0],
      key: c.key,
      deltaRank: d(c.metrics[options.rankBy], minimal.metrics[options.rankBy]),
      deltaAuroc: d(gaussian ? c.metrics.pseudoR2 : c.metrics.auroc, gaussian ? minimal.metrics.pseudoR2 : minimal.metrics.auroc),
    });
  }
  return {
    format: 'occam.search',
    version: 1,
    options,
    families: plans.map(({ name, levels }) => ({ name, levels })),
    candidates: [...done.values()].sort((a, b) => a.parameters - b.parameters || a.key.localeCompare(b.key)),
    paretoFront,
    best: best.key,
    minimal: minimal.key,
    ablations,
    paths,
  };
}
