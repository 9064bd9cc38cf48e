import type { Atom } from '../dataset/schema.js';
import { closest, OccamError } from '../errors.js';
import type { Selection } from './schema.js';

/**
 * The indices of the atoms a selection matches. Refuses what would make the reduced model and the simulator
 * act on different inputs: an attribute no atom carries, a selection that matches nothing, and a numeric bound
 * that cuts through an atom's bin (atoms that carry `<attribute>From`/`<attribute>To`, as the neuron adapter's
 * distance bins do) — the simulator would silence part of the bin, the reduced model all or none of it.
 */
export function selectAtoms(atoms: Atom[], selection: Selection, where: string): number[] {
  const known = [...new Set(atoms.flatMap((a) => Object.keys(a.attributes)))].sort();
  for (const name of Object.keys(selection)) {
    if (!known.includes(name)) {
      const near = closest(name, known);
      throw new OccamError(`${where}: no atom has the attribute '${name}'${near ? ` (did you mean '${near}'?)` : ''}; the atoms carry: ${known.join(', ')}`, {
        field: where,
      });
    }
  }
  for (const [name, condition] of Object.entries(selection)) {
    if (Array.isArray(condition)) continue;
    for (const bound of [condition.min, condition.max]) {
      if (bound === undefined) continue;
      const cut = atoms.find((a) => {
        const from = a.attributes[`${name}From`];
        const to = a.attributes[`${name}To`];
        return typeof from === 'number' && typeof to === 'number' && from < bound && bound < to;
      });
      if (cut)
        throw new OccamError(
          `${where}: ${name} bound ${bound} falls inside atom '${cut.id}' (${cut.attributes[`${name}From`]}–${cut.attributes[`${name}To`]}); put bounds on bin edges so the simulator and the reduced model select the same inputs`,
          { field: where },
        );
    }
  }
  const picked: number[] = [];
  atoms.forEach((atom, i) => {
    const matches = Object.entries(selection).every(([name, condition]) => {
      const v = atom.attributes[name];
      if (v === undefined) return false;
      if (Array.isArray(condition)) return condition.includes(v);
      if (typeof v !== 'number') return false;
      return (condition.min === undefined || v >= condition.min) && (condition.max === undefined || v < condition.max);
    });
    if (matches) picked.push(i);
  });
  if (picked.length === 0) {
    const values = Object.keys(selection).map((name) => {
      const vs = [...new Set(atoms.map((a) => a.attributes[name]).filter((v) => v !== undefined))];
      const shown = vs.every((v) => typeof v === 'number') ? `${Math.min(...(vs as number[]))}…${Math.max(...(vs as number[]))}` : vs.slice(0, 8).join(', ');
      return `${name}: ${shown}`;
    });
    throw new OccamError(`${where}: the selection matches no atom (the atoms have ${values.join('; ')})`, { field: where });
  }
  return picked;
}
