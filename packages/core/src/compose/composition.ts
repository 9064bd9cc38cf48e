import type { ConditionStack } from './conditionStack.js';

/**
 * How conditions share a model. `specific`: the families (input groups, history) that get one filter per
 * condition; `offsets`: one intercept per condition; `gains`: per condition and input group, a gain on the
 * shared filter (bilinear: fitted by alternation, see fitComposition).
 */
export interface Composition {
  key: string;
  description: string;
  specific: string[];
  offsets: boolean;
  gains: boolean;
}

/** The candidates every run examines, smallest first: shared, offsets, gains, one family at a time, fully separate. */
export function baseCompositions(stack: ConditionStack): Composition[] {
  const all = stack.families.map((f) => f.name);
  const out: Composition[] = [
    { key: 'shared', description: 'one model for every condition', specific: [], offsets: false, gains: false },
    { key: 'offsets', description: 'shared filters, condition-specific intercepts', specific: [], offsets: true, gains: false },
    { key: 'gains', description: 'shared filter shapes, condition-specific gain per input group and intercepts', specific: [], offsets: true, gains: true },
  ];
  if (all.length > 1)
    for (const f of all)
      out.push({
        key: `specific:${f}`,
        description: `'${f}' filter condition-specific, the rest shared, condition intercepts`,
        specific: [f],
        offsets: true,
        gains: false,
      });
  out.push({ key: 'separate', description: 'a separate model per condition', specific: all, offsets: true, gains: false });
  return out;
}

/** The composition in which the given families (more than one, fewer than all) are condition-specific together. */
export function combinedComposition(families: string[]): Composition {
  return {
    key: `specific:${families.join('+')}`,
    description: `${families.map((f) => `'${f}'`).join(' and ')} filters condition-specific, the rest shared, condition intercepts`,
    specific: families,
    offsets: true,
    gains: false,
  };
}

/**
 * The composite columns: each base column once (shared) or once per condition (copy c: zero outside
 * condition c), then C − 1 condition indicators for the offsets. `source` is the base column (−1 for an
 * indicator); `copy` −1 for shared, else the condition.
 */
export interface CompositeColumns {
  source: Int32Array;
  copy: Int32Array;
  /** Per condition c ≥ 1, its indicator column (index 0 unused: condition 0 is the intercept's). */
  indicator: number[];
  /** Per base column, its composite column per condition (the same one repeated when shared). */
  columnOf: Int32Array[];
}

export function compositeColumns(stack: ConditionStack, comp: Composition): CompositeColumns {
  const C = stack.names.length;
  const specific = new Set<number>();
  for (const f of stack.families) if (comp.specific.includes(f.name)) for (const c of f.columns) specific.add(c);
  const source: number[] = [];
  const copy: number[] = [];
  const columnOf = Array.from({ length: stack.layout.p }, () => new Int32Array(C));
  for (let s = 0; s < stack.layout.p; s++) {
    if (specific.has(s))
      for (let c = 0; c < C; c++) {
        columnOf[s][c] = source.length;
        source.push(s);
        copy.push(c);
      }
    else {
      columnOf[s].fill(source.length);
      source.push(s);
      copy.push(-1);
    }
  }
  const indicator = [-1];
  if (comp.offsets)
    for (let c = 1; c < C; c++) {
      indicator.push(source.length);
      source.push(-1);
      copy.push(c);
    }
  return { source: Int32Array.from(source), copy: Int32Array.from(copy), indicator, columnOf };
}

/** Free parameters: the intercept, every composite column, and (C − 1) gains per input group when gains are fitted. */
export function compositionParameters(stack: ConditionStack, comp: Composition): number {
  const cols = compositeColumns(stack, comp).source.length;
  const C = stack.names.length;
  return 1 + cols + (comp.gains ? (C - 1) * stack.layout.groups.length : 0);
}
