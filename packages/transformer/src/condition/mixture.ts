import { mulberry32, OccamError } from '@occam/core';
import type { Prompt, PromptSet } from './promptSet.js';
import type { Condition, Mixture, MixtureComponentCondition } from './schema.js';

/** Resolves one (non-mixture) condition to prompts; given by loadCondition so paths resolve as there. */
export type ResolveCondition = (condition: Condition, where: string) => Promise<PromptSet>;

/**
 * A mixture's prompts (definition in MixtureSchema): the component of each prompt is drawn first
 * (seeded categorical over the weights), then each component is asked for exactly the number drawn
 * from it, and the prompts are interleaved in the drawn order. Each prompt keeps its component's label.
 */
export async function mixturePrompts(c: Mixture, resolve: ResolveCondition): Promise<PromptSet> {
  const rand = mulberry32(c.seed);
  const total = c.components.reduce((s, k) => s + k.weight, 0);
  const order: number[] = [];
  for (let i = 0; i < c.count; i++) {
    let u = rand() * total;
    let j = 0;
    while (j < c.components.length - 1 && u >= c.components[j].weight) u -= c.components[j++].weight;
    order.push(j);
  }
  const drawn = c.components.map((_, j) => order.filter((o) => o === j).length);
  const sets: (PromptSet | null)[] = [];
  for (const [j, comp] of c.components.entries()) {
    if (drawn[j] === 0) {
      sets.push(null);
      continue;
    }
    const where = `components.${j}.condition`;
    // a seed per component unless given: components of one kind must not repeat each other's prompts
    const seed = 'seed' in comp.condition && comp.condition.seed !== undefined ? comp.condition.seed : (c.seed * 1000003 + j * 7919 + 1) >>> 0;
    const set = await resolve(componentCondition(comp.condition, drawn[j], seed), where);
    if (set.prompts.length < drawn[j]) {
      throw new OccamError(
        `mixture: component '${comp.label}' (${where}) gives ${set.prompts.length} prompts, but the mixture drew ${drawn[j]} from it; add prompts or lower its weight or the count`,
        { field: where },
      );
    }
    sets.push(set);
  }
  const next = c.components.map(() => 0);
  const prompts: Prompt[] = order.map((j) => {
    const p = sets[j]!.prompts[next[j]++];
    // a prompts-file line stays its source; a generated prompt is renumbered by its place in the mixture
    const source = p.source?.line !== undefined ? p.source : undefined;
    return { ...p, id: `${c.components[j].label}/${p.id}`, label: c.components[j].label, source };
  });
  const used = sets.filter((s): s is PromptSet => s !== null);
  return {
    name: 'mixture',
    prompts,
    markers: sharedMarkers(used),
    metadata: {
      seed: c.seed,
      components: c.components.map((k, j) => ({
        label: k.label,
        weight: k.weight,
        kind: k.condition.kind,
        prompts: drawn[j],
        condition: sets[j]?.metadata ?? null,
        markers: sets[j]?.markers ?? {},
      })),
    },
  };
}

/** The component as a full condition asking for `count` prompts (jsonl: all of its lines, the first `count` used). */
function componentCondition(cond: MixtureComponentCondition, count: number, seed: number): Condition {
  if (cond.kind === 'jsonl') return cond;
  return { ...cond, count, seed } as Condition;
}

/** Markers every component agrees on (same name, same position); the others stay in each component's metadata. */
function sharedMarkers(sets: PromptSet[]): Record<string, number> {
  if (sets.length === 0) return {};
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(sets[0].markers)) if (sets.every((s) => s.markers[k] === v)) out[k] = v;
  return out;
}
