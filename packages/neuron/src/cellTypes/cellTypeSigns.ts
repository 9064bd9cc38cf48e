import { zodProblem } from '@occam/core';
import { z } from 'zod';
import { inputError } from '../text/inputError.js';

export const SynapseSignSchema = z.enum(['excitatory', 'inhibitory']);
export type SynapseSign = z.infer<typeof SynapseSignSchema>;

/**
 * Which presynaptic cell types are excitatory and which inhibitory. Keys are cell types (`L5tt`) or full ISF
 * synapse types (`L5tt_C2`, checked first, for a column-specific exception); the key `*` (DEFAULT_SIGN_KEY)
 * is the sign of every type the mapping does not name.
 */
export const CellTypeSignsSchema = z.record(z.string().min(1), SynapseSignSchema);
export type CellTypeSigns = z.infer<typeof CellTypeSignsSchema>;

/** The mapping key whose sign applies to every type that is named neither by the mapping nor by the defaults. */
export const DEFAULT_SIGN_KEY = '*';

/** Excitatory cell types of the barrel-cortex network models ISF ships. */
export const DEFAULT_EXCITATORY_CELL_TYPES = ['L2', 'L34', 'L4py', 'L4sp', 'L4ss', 'L5st', 'L5tt', 'L6cc', 'L6ccinv', 'L6ct', 'VPM', 'Generic'] as const;

/**
 * Inhibitory cell types. L1 is inhibitory: its synapses are GABAergic (newer ISF versions list L1 as
 * excitatory by mistake).
 */
export const DEFAULT_INHIBITORY_CELL_TYPES = [
  'SymLocal1',
  'SymLocal2',
  'SymLocal3',
  'SymLocal4',
  'SymLocal5',
  'SymLocal6',
  'L45Sym',
  'L1',
  'L45Peak',
  'L56Trans',
  'L23Trans',
  'GenericINH',
  'INH',
] as const;

export const DEFAULT_CELL_TYPE_SIGNS: Readonly<CellTypeSigns> = Object.freeze(
  Object.fromEntries([
    ...DEFAULT_EXCITATORY_CELL_TYPES.map((t) => [t, 'excitatory'] as const),
    ...DEFAULT_INHIBITORY_CELL_TYPES.map((t) => [t, 'inhibitory'] as const),
  ]),
);

/**
 * The defaults with the caller's entries laid over them. `overrides` is validated (it usually comes from a
 * JSON file or command line), so a typo such as `"exitatory"` is a clear error, not a silent default.
 */
export function resolveCellTypeSigns(overrides?: unknown, source = 'cellTypes'): CellTypeSigns {
  if (overrides === undefined || overrides === null) return { ...DEFAULT_CELL_TYPE_SIGNS };
  const parsed = CellTypeSignsSchema.safeParse(overrides);
  if (!parsed.success) throw zodProblem(source, parsed.error);
  return { ...DEFAULT_CELL_TYPE_SIGNS, ...parsed.data };
}

/**
 * Excitatory or inhibitory for one synapse: the full synapse type first (`L5tt_C2`), then its cell type
 * (`L5tt`). An unknown type is an error naming the file, line and type, and saying how to map it.
 */
export function synapseSign(signs: CellTypeSigns, cellType: string, synapseType: string, where: { file: string; line: number }): SynapseSign {
  const sign = lookupSynapseSign(signs, cellType, synapseType);
  if (sign) return sign;
  const named = synapseType === cellType ? `'${cellType}'` : `'${cellType}' (synapse type '${synapseType}')`;
  throw inputError(
    where.file,
    where.line,
    `unknown presynaptic cell type ${named}: occam does not know whether it is excitatory or inhibitory. ` +
      `Add it to the cell-type mapping (--cell-types FILE, or the cellTypes option), e.g. { "${cellType}": "excitatory" } (or "inhibitory"); ` +
      `"*" maps every unknown type. ` +
      `Known types: ${Object.keys(signs).sort().join(', ')}`,
  );
}

/** The sign of a synapse type, its cell type, or the mapping's default (`*`); undefined when none applies. */
export function lookupSynapseSign(signs: CellTypeSigns, cellType: string, synapseType: string): SynapseSign | undefined {
  if (Object.hasOwn(signs, synapseType)) return signs[synapseType];
  if (Object.hasOwn(signs, cellType)) return signs[cellType];
  return Object.hasOwn(signs, DEFAULT_SIGN_KEY) ? signs[DEFAULT_SIGN_KEY] : undefined;
}
