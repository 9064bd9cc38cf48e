import { inputError } from '../text/inputError.js';
import { parseDecimal, parseIndex, quote } from '../text/numbers.js';
import { readTextLines } from '../text/readTextLines.js';
import { parseTimeList } from '../text/timeList.js';
import { parseIsfSynapseType } from './synapseType.js';

/** One line of an ISF `simulation_run%04d_synapses.csv`: an active synapse and when it was activated. */
export interface IsfSynapseActivation {
  /** The synapse type as written, `<cell type>_<column>`, e.g. `L4ss_C2`. */
  type: string;
  /** Presynaptic cell type, e.g. `L4ss`, `L23Trans`. */
  cellType: string;
  /** Barrel column of the presynaptic cells, e.g. `C2`, `Alpha`, `B2`; undefined when the type has none. */
  column: string | undefined;
  /** Index of the synapse within its type. */
  synapseId: number;
  /** Path length from the soma in µm. */
  somaDistance: number;
  sectionId: number;
  sectionPtId: number;
  /** `ApicalDendrite`, `Dendrite` (basal), `Soma`, … as ISF labels sections. */
  dendriteLabel: string;
  /** Activation times in ms. */
  activationTimes: number[];
  /** 1-based line in the file, for error messages downstream (e.g. an unknown cell type). */
  line: number;
}

export interface SynapseFileOptions {
  /**
   * Largest plausible soma distance in µm (default 5000): a larger value means a unit or column mix-up and
   * is rejected, naming the line.
   */
  maxSomaDistanceUm?: number;
  /**
   * Accept a file with no lines at all (0 bytes: not even the header ISF always writes) as a trial without
   * synaptic input. Off by default: such a file is what a crashed or interrupted writer leaves behind, so it
   * is an error naming the file. A file holding only the header is always a legitimate trial without input.
   */
  allowEmpty?: boolean;
}

/** A synapse file's rows, and whether the file was empty (no lines, not even the header). */
export interface IsfSynapseFile {
  rows: IsfSynapseActivation[];
  empty: boolean;
}

export const DEFAULT_MAX_SOMA_DISTANCE_UM = 5000;

const COLUMNS = 'synapse type, synapse ID, soma distance, section ID, section pt ID, dendrite label, activation times';

/**
 * Read one trial's ISF synapse-activation file: tab-separated, `#` header, activation times each followed by
 * a comma. Every malformed line is an OccamError naming the file and line.
 */
export async function readIsfSynapseActivations(file: string, options: SynapseFileOptions = {}): Promise<IsfSynapseActivation[]> {
  return (await readIsfSynapseFile(file, options)).rows;
}

/** Read a synapse-activation file and say whether it was empty (allowed only with `allowEmpty`). */
export async function readIsfSynapseFile(file: string, options: SynapseFileOptions = {}): Promise<IsfSynapseFile> {
  const lines = await readTextLines(file);
  const empty = lines.every((l) => l.trim() === '');
  if (empty && !options.allowEmpty) {
    throw inputError(
      file,
      undefined,
      `empty file (${lines.length === 0 ? '0 bytes' : 'blank lines only'}): ISF writes at least the header line '# synapse type<TAB>synapse ID<TAB>…', ` +
        'so the writer probably did not finish. Re-run that trial, or accept empty files as trials without input (--allow-empty-trials)',
    );
  }
  return { rows: parseIsfSynapseActivations(lines, file, options), empty };
}

/** Parse the lines of a synapse-activation file (line i of `lines` is line i + 1 of `file`). */
export function parseIsfSynapseActivations(lines: string[], file: string, options: SynapseFileOptions = {}): IsfSynapseActivation[] {
  const maxDistance = options.maxSomaDistanceUm ?? DEFAULT_MAX_SOMA_DISTANCE_UM;
  const rows: IsfSynapseActivation[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    if (text.trim() === '' || text.startsWith('#')) continue;
    rows.push(parseSynapseLine(text, file, i + 1, maxDistance));
  }
  return rows;
}

function parseSynapseLine(text: string, file: string, line: number, maxDistance: number): IsfSynapseActivation {
  const fields = text.split('\t');
  if (fields.length < 7) {
    throw inputError(file, line, `expected 7 tab-separated fields (${COLUMNS}), found ${fields.length}`);
  }
  if (fields.length > 7 && fields.slice(7).some((f) => f.trim() !== '')) {
    throw inputError(file, line, `expected 7 tab-separated fields (${COLUMNS}), found ${fields.length}`);
  }
  const type = fields[0].trim();
  if (type === '') throw inputError(file, line, 'synapse type is empty; expected <cell type>_<column>, e.g. L4ss_C2');
  const synapseId = parseIndex(fields[1]);
  if (Number.isNaN(synapseId)) throw inputError(file, line, `synapse ID ${quote(fields[1])} is not a non-negative integer`);
  const somaDistance = parseDecimal(fields[2]);
  if (!Number.isFinite(somaDistance)) {
    throw inputError(file, line, `soma distance ${quote(fields[2])} is not a finite number; expected a path length in µm`);
  }
  if (somaDistance < 0) throw inputError(file, line, `soma distance ${somaDistance} is negative; expected a path length ≥ 0 µm`);
  if (somaDistance > maxDistance) {
    throw inputError(
      file,
      line,
      `soma distance ${somaDistance} µm is beyond the plausible maximum of ${maxDistance} µm (check the units, or raise maxSomaDistanceUm)`,
    );
  }
  const sectionId = parseIndex(fields[3]);
  if (Number.isNaN(sectionId)) throw inputError(file, line, `section ID ${quote(fields[3])} is not a non-negative integer`);
  const sectionPtId = parseIndex(fields[4]);
  if (Number.isNaN(sectionPtId)) throw inputError(file, line, `section pt ID ${quote(fields[4])} is not a non-negative integer`);
  const dendriteLabel = fields[5].trim();
  if (dendriteLabel === '') throw inputError(file, line, 'dendrite label is empty; expected e.g. ApicalDendrite, Dendrite or Soma');
  const activationTimes = parseTimeList(fields[6], file, line, 'activation times');
  const { cellType, column } = parseIsfSynapseType(type);
  return { type, cellType, column, synapseId, somaDistance, sectionId, sectionPtId, dendriteLabel, activationTimes, line };
}
