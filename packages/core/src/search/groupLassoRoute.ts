import type { Dataset } from '../dataset/dataset.js';
import { buildDesign } from '../design/buildDesign.js';
import { buildLayout, historyColumns, inputColumns } from '../design/layout.js';
import { fitGroupLassoPath, type ColumnGroup } from '../glm/fitGroupLassoPath.js';
import { SpecSchema, type Spec } from '../spec/schema.js';
import { validLevels, type FamilyPlan, type SpecDraft } from './featureFamilies.js';
import type { SearchOptions } from './schema.js';

type Levels = Record<string, number>;

/** One penalised block of the group-lasso design: a family at one of its levels. */
export interface LassoBlock {
  family: string;
  level: number;
  columns: number;
}

export interface GroupLassoRoute {
  lambdas: number[];
  blocks: (LassoBlock & { enteredAt: number | null })[];
  /** Per λ (decreasing): the family levels its non-zero blocks imply. */
  levels: Levels[];
  /** Per λ: Newton steps taken, and whether the fit converged. */
  iterations: number[];
  converged: boolean[];
  /** Size of the design: rows (scored bins) and columns, and how many columns earlier ones spanned (fixed at 0). */
  rows: number;
  columns: number;
  dropped: number;
}

function rankOf(part: { keep: number; block: LassoBlock | 'pooled' }): number {
  return part.block === 'pooled' ? -1 : part.block.level * 1e6 + part.keep;
}

function emptyDraft(temporal: SpecDraft['temporal']): SpecDraft {
  return { groupBy: [], temporal, history: null, structure: 'separable' };
}

function toSpec(draft: SpecDraft, options: SearchOptions): Spec {
  return SpecSchema.parse({
    ...draft,
    exclude: options.exclude,
    includeReadoutAtoms: options.includeReadoutAtoms,
    structure: 'full',
    family: options.family,
    regularization: { ridge: 0, smoothness: 0 },
  });
}

/**
 * The search's second, independent route: one group-lasso path over blocks that each stand for a family at a
 * level, then the family levels each λ selects. The design is additive and nested so that a block is needed
 * only if its family at that level adds something:
 *  - all inputs pooled, on the longest lag window's temporal basis; its functions peaking inside the shortest
 *    window are unpenalised (every candidate has them), the others form one block per longer window;
 *  - per categorical attribute, the pooled inputs of each value but the first (contrasts to the pool);
 *  - per numeric attribute, its coarse bins and its fine bins (all but the first bin) and its smooth filter;
 *  - the output history.
 * The filter structure (separable vs full) is a rank constraint, not a group of columns: the route leaves it
 * at its first level and the caller tries the other on its best candidate.
 */
export function groupLassoRoute(ds: Dataset, plans: FamilyPlan[], options: SearchOptions, path: { nLambda?: number } = {}): GroupLassoRoute {
  // Without a lag-window family (a one-lag window), the pooled inputs are read at that lag, unpenalised.
  const lagPlan: FamilyPlan = plans.find((p) => p.kind === 'lagWindow') ?? {
    kind: 'lagWindow',
    name: 'lag window',
    levels: ['the only window'],
    apply: (_l, s) => void (s.temporal = { minLag: options.minLag, maxLag: options.maxLag, basis: { kind: 'raw' } }),
  };
  const windows = lagPlan.levels.map((_, l) => {
    const d = emptyDraft({ minLag: 0, maxLag: 1, basis: { kind: 'raw' } });
    lagPlan.apply(l, d);
    return d.temporal;
  });
  const temporal = windows[windows.length - 1];

  const parts: { X: Float32Array; p: number; keepFrom: number; keep: number; block: LassoBlock | 'pooled' }[] = [];
  let n = -1;
  let y: Float64Array | null = null;
  const add = (draft: SpecDraft, block: LassoBlock | 'pooled', select: (layout: ReturnType<typeof buildLayout>) => [number, number]) => {
    const layout = buildLayout(toSpec(draft, options), ds.manifest.atoms);
    const design = buildDesign(ds, layout);
    n = design.n;
    y = design.y;
    const [keepFrom, keep] = select(layout);
    if (keep > 0) parts.push({ X: design.X, p: design.p, keepFrom, keep, block });
    return layout;
  };
  const pooledLayout = add(emptyDraft(temporal), 'pooled', (l) => [0, l.p]);
  for (const plan of plans) {
    if (plan === lagPlan || plan.kind === 'structure') continue;
    for (let level = 1; level < plan.levels.length; level++) {
      const draft = emptyDraft(temporal);
      plan.apply(level, draft);
      if (draft.history) {
        add(draft, { family: plan.name, level, columns: 0 }, (l) => historyColumns(l));
      } else if (draft.spatial) {
        add(draft, { family: plan.name, level, columns: 0 }, (l) => inputColumns(l));
      } else {
        // Contrasts: every group but the first (the pooled block already carries the sum of all groups).
        add(draft, { family: plan.name, level, columns: 0 }, (l) => inputColumns(l, 1));
      }
    }
  }

  // Coarse before fine: where blocks span the same directions (with few atoms, fine bins of any attribute
  // can express a split by another), the path fixes the later columns at 0 (fitGroupLassoPath), so the
  // simpler family keeps them — the hierarchy principle of lower-order terms first. Order: the pooled
  // inputs, then blocks by level (splits, coarse bins, history; smooth filters; fine bins), then size.
  parts.sort((a, b) => rankOf(a) - rankOf(b));
  // Assemble one column-major design; penalised groups by block, the pooled block split by lag window.
  const p = parts.reduce((s, part) => s + part.keep, 0);
  const X = new Float32Array(n * p);
  const groups: ColumnGroup[] = [];
  const groupBlocks: LassoBlock[] = [];
  let col = 0;
  const lagOfPeak = pooledLayout.temporal.matrix.map((row) => pooledLayout.temporal.points[row.reduce((best, v, i) => (v > row[best] ? i : best), 0)]);
  for (const part of parts) {
    X.set(part.X.subarray(part.keepFrom * n, (part.keepFrom + part.keep) * n), col * n);
    if (part.block === 'pooled') {
      for (let level = 1; level < windows.length; level++) {
        const columns = lagOfPeak
          .map((lag, j) => ({ lag, j }))
          .filter(({ lag }) => lag > windows[level - 1].maxLag && lag <= windows[level].maxLag)
          .map(({ j }) => col + j);
        if (columns.length === 0) continue;
        const block = { family: lagPlan.name, level, columns: columns.length };
        groups.push({ name: `${block.family}:${level}`, columns });
        groupBlocks.push(block);
      }
    } else {
      const block = { ...part.block, columns: part.keep };
      groups.push({ name: `${block.family}:${block.level}`, columns: Array.from({ length: part.keep }, (_, i) => col + i) });
      groupBlocks.push(block);
    }
    col += part.keep;
  }
  const binary = options.family === 'bernoulli';
  const target = binary ? y!.map((v) => (v > 0 ? 1 : 0)) : y!;
  const fit = fitGroupLassoPath({ X, n, p, y: target }, groups, { family: options.family, stopWhenAllEntered: true, ...path });

  const levels = fit.groupNorms.map((norms) => {
    const set: Levels = Object.fromEntries(plans.map((pl) => [pl.name, 0]));
    const strength = new Map<string, number>();
    groupBlocks.forEach((b, k) => {
      if (norms[k] > 0 && b.level > set[b.family]) set[b.family] = b.level;
      if (norms[k] > 0) strength.set(b.family, Math.max(strength.get(b.family) ?? 0, norms[k]));
    });
    // One spatial axis per spec: keep the smooth filter on the strongest attribute; the others take their
    // next-finest selected resolution (fine bins), which keeps the information the path said they carry.
    const smooth = plans.filter((pl) => pl.spatialLevel !== undefined && set[pl.name] === pl.spatialLevel);
    smooth.sort((a, b) => (strength.get(b.name) ?? 0) - (strength.get(a.name) ?? 0));
    for (const pl of smooth.slice(1)) set[pl.name] = pl.levels.length - 1;
    if (!validLevels(plans, set)) throw new Error('group lasso: invalid level set');
    return set;
  });
  return {
    lambdas: fit.lambdas,
    blocks: groupBlocks.map((b, k) => ({ ...b, enteredAt: fit.entry[k] === null ? null : fit.lambdas[fit.entry[k]!] })),
    levels,
    iterations: fit.iterations,
    converged: fit.converged,
    rows: n,
    columns: p,
    dropped: fit.droppedColumns.length,
  };
}
