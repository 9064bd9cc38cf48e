import type { IsfSynapseActivation } from '../isf/synapseActivationFile.js';
import type { Morphology } from '../swc/morphology.js';
import { inputError } from '../text/inputError.js';

/** Default largest disagreement (µm) between a synapse file's soma distance and the morphology's. */
export const DEFAULT_MORPHOLOGY_TOLERANCE_UM = 1;

const NUMBERING =
  'occam numbers sections as documented for readSwc (0 = soma, then unbranched runs in file order); ISF numbers them by ' +
  "NEURON's import of the cell's .hoc file, which can differ. Leave out --morphology to use the file's own soma distances";

/**
 * The soma distance of a synapse measured on an SWC morphology: the path distance of point `section pt ID`
 * of section `section ID`. The synapse file's own distance is a check: a disagreement larger than
 * `toleranceUm` means the file's section numbering is not the SWC's, and is an error naming the synapse
 * file and line and the SWC file and line, rather than a silently wrong distance.
 */
export function morphologySomaDistance(m: Morphology, row: IsfSynapseActivation, file: string, toleranceUm: number): number {
  const at = `section ${row.sectionId}, point ${row.sectionPtId}`;
  if (row.sectionId >= m.sections.length) {
    throw inputError(file, row.line, `${at}: the morphology ${m.file} has no section ${row.sectionId} (sections 0 … ${m.sections.length - 1}). ${NUMBERING}`);
  }
  const section = m.sections[row.sectionId];
  if (row.sectionPtId >= section.points.length) {
    const firstLine = m.points[section.points[0]].line;
    throw inputError(
      file,
      row.line,
      `${at}: section ${row.sectionId} of the morphology (${m.file}:${firstLine}) has ${section.points.length} point${section.points.length === 1 ? '' : 's'} (0 … ${section.points.length - 1}). ${NUMBERING}`,
    );
  }
  const point = section.points[row.sectionPtId];
  const distance = m.distance[point];
  if (Math.abs(distance - row.somaDistance) > toleranceUm) {
    throw inputError(
      file,
      row.line,
      `${at}: the file gives soma distance ${row.somaDistance} µm, the morphology ${distance.toFixed(3)} µm at that point ` +
        `(${m.file}:${m.points[point].line}, point id ${m.points[point].id}); they differ by more than ${toleranceUm} µm (--morphology-tolerance). ${NUMBERING}`,
    );
  }
  return distance;
}
