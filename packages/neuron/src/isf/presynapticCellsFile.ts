import { inputError } from '../text/inputError.js';
import { parseIndex, quote } from '../text/numbers.js';
import { readTextLines } from '../text/readTextLines.js';
import { parseTimeList } from '../text/timeList.js';
import { parseIsfSynapseType } from './synapseType.js';

/** One line of an ISF `simulation_run%04d_presynaptic_cells.csv`: a presynaptic cell that spiked. */
export interface IsfPresynapticCell {
  /** As written, `<cell type>_<column>`, e.g. `L1_C2`. */
  type: string;
  cellType: string;
  column: string | undefined;
  cellId: number;
  /** Spike times in ms (cells that never spiked are left out of the file by ISF). */
  spikeTimes: number[];
  line: number;
}

/** Read one trial's presynaptic-cell spike times (`# presynaptic cell type, cell ID, spike times`). */
export async function readIsfPresynapticCells(file: string): Promise<IsfPresynapticCell[]> {
  const lines = await readTextLines(file);
  const rows: IsfPresynapticCell[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    if (text.trim() === '' || text.startsWith('#')) continue;
    const line = i + 1;
    const fields = text.split('\t');
    if (fields.length < 3 || fields.slice(3).some((f) => f.trim() !== '')) {
      throw inputError(file, line, `expected 3 tab-separated fields (presynaptic cell type, cell ID, spike times), found ${fields.length}`);
    }
    const type = fields[0].trim();
    if (type === '') throw inputError(file, line, 'presynaptic cell type is empty; expected <cell type>_<column>, e.g. L4ss_C2');
    const cellId = parseIndex(fields[1]);
    if (Number.isNaN(cellId)) throw inputError(file, line, `cell ID ${quote(fields[1])} is not a non-negative integer`);
    const spikeTimes = parseTimeList(fields[2], file, line, 'spike times');
    rows.push({ type, ...parseIsfSynapseType(type), cellId, spikeTimes, line });
  }
  return rows;
}
