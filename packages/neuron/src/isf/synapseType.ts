/**
 * An ISF synapse type is `<cell type>_<column>`: `L4ss_C2`, straddler columns included (`L2_Alpha`,
 * `L23Trans_B2`). The cell type is the part before the first underscore, as ISF itself splits it; a type
 * without an underscore has no column.
 */
export function parseIsfSynapseType(type: string): { cellType: string; column: string | undefined } {
  const cut = type.indexOf('_');
  if (cut < 0) return { cellType: type, column: undefined };
  return { cellType: type.slice(0, cut), column: type.slice(cut + 1) || undefined };
}
