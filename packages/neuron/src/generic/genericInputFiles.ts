import { synapseSign, type CellTypeSigns, type SynapseSign } from '../cellTypes/cellTypeSigns.js';
import { parseIsfSynapseType } from '../isf/synapseType.js';
import { DEFAULT_MAX_SOMA_DISTANCE_UM } from '../isf/synapseActivationFile.js';
import { scanCsv } from '../text/csvRows.js';
import { inputError } from '../text/inputError.js';
import { parseDecimal, parseIndex, quote } from '../text/numbers.js';

/** One row of the generic `synapses.csv`. */
export interface GenericSynapse {
  id: string;
  somaDistanceUm: number;
  /** The type as written: `excitatory`, `inhibitory`, or a cell type such as `L4ss` (or `L4ss_C2`). */
  type: string;
  sign: SynapseSign;
  dendrite: string | undefined;
  line: number;
}

export const SYNAPSES_HEADER = 'id,soma_distance_um,type,dendrite';
export const ACTIVATIONS_HEADER = 'trial,synapse,time_ms';
export const TRIAL_ACTIVATIONS_HEADER = 'synapse,time_ms';
export const SPIKES_HEADER = 'trial,time_ms';

/**
 * Read the generic synapse table. `type` is `excitatory`/`inhibitory` or a cell type resolved through
 * `signs`; distances must be finite, ≥ 0 and at most `maxSomaDistanceUm`; ids must be unique.
 */
export async function readGenericSynapses(file: string, options: { signs: CellTypeSigns; maxSomaDistanceUm?: number }): Promise<GenericSynapse[]> {
  const maxDistance = options.maxSomaDistanceUm ?? DEFAULT_MAX_SOMA_DISTANCE_UM;
  const synapses: GenericSynapse[] = [];
  const seen = new Map<string, number>();
  await scanCsv(file, { required: ['id', 'soma_distance_um', 'type'], optional: ['dendrite'], example: SYNAPSES_HEADER }, ({ line, fields }, c) => {
    const id = fields[c.id];
    if (id === '') throw inputError(file, line, 'synapse id is empty');
    if (seen.has(id)) throw inputError(file, line, `synapse id ${quote(id)} appears twice (first at line ${seen.get(id)})`);
    seen.set(id, line);
    const d = parseDecimal(fields[c.soma_distance_um]);
    if (!Number.isFinite(d)) throw inputError(file, line, `soma_distance_um ${quote(fields[c.soma_distance_um])} is not a finite number; expected µm`);
    if (d < 0) throw inputError(file, line, `soma_distance_um ${d} is negative; expected a path length ≥ 0 µm`);
    if (d > maxDistance) {
      throw inputError(file, line, `soma_distance_um ${d} is beyond the plausible maximum of ${maxDistance} µm (check the units, or raise maxSomaDistanceUm)`);
    }
    const type = fields[c.type];
    if (type === '') throw inputError(file, line, 'type is empty; expected excitatory, inhibitory or a cell type');
    const sign: SynapseSign =
      type === 'excitatory' || type === 'inhibitory' ? type : synapseSign(options.signs, parseIsfSynapseType(type).cellType, type, { file, line });
    const dendrite = c.dendrite >= 0 && fields[c.dendrite] !== '' ? fields[c.dendrite] : undefined;
    synapses.push({ id, somaDistanceUm: d, type, sign, dendrite, line });
  });
  return synapses;
}

/**
 * Stream activations. With `trial` undefined the file has columns trial, synapse, time_ms; with a trial
 * number it is that trial's own file with columns synapse, time_ms. `synapseIndex` maps ids to rows of
 * the synapse table; an unknown id, a trial out of range or a non-numeric time is a located error.
 */
export async function scanGenericActivations(
  file: string,
  options: { synapseIndex: Map<string, number>; nTrials: number; trial?: number; synapsesFile: string },
  onActivation: (trial: number, synapse: number, timeMs: number) => void,
): Promise<void> {
  const fixedTrial = options.trial;
  const required = fixedTrial === undefined ? (['trial', 'synapse', 'time_ms'] as const) : (['synapse', 'time_ms'] as const);
  const example = fixedTrial === undefined ? ACTIVATIONS_HEADER : TRIAL_ACTIVATIONS_HEADER;
  await scanCsv<'trial' | 'synapse' | 'time_ms'>(file, { required, example }, ({ line, fields }, c) => {
    let trial = fixedTrial;
    if (trial === undefined) {
      trial = parseIndex(fields[c.trial]);
      if (Number.isNaN(trial) || trial >= options.nTrials) {
        throw inputError(file, line, `trial ${quote(fields[c.trial])} is not a trial number 0 … ${options.nTrials - 1}`);
      }
    }
    const id = fields[c.synapse];
    const synapse = options.synapseIndex.get(id);
    if (synapse === undefined) throw inputError(file, line, `synapse ${quote(id)} is not in ${options.synapsesFile}`);
    const t = parseDecimal(fields[c.time_ms]);
    if (!Number.isFinite(t)) throw inputError(file, line, `time_ms ${quote(fields[c.time_ms])} is not a number; expected a time in ms`);
    onActivation(trial, synapse, t);
  });
}

/** Read output spikes (columns trial, time_ms) into one list per trial; trials without rows have none. */
export async function readGenericSpikes(file: string, nTrials: number): Promise<number[][]> {
  const spikes: number[][] = Array.from({ length: nTrials }, () => []);
  await scanCsv(file, { required: ['trial', 'time_ms'], example: SPIKES_HEADER }, ({ line, fields }, c) => {
    const trial = parseIndex(fields[c.trial]);
    if (Number.isNaN(trial) || trial >= nTrials) throw inputError(file, line, `trial ${quote(fields[c.trial])} is not a trial number 0 … ${nTrials - 1}`);
    const t = parseDecimal(fields[c.time_ms]);
    if (!Number.isFinite(t)) throw inputError(file, line, `time_ms ${quote(fields[c.time_ms])} is not a number; expected a spike time in ms`);
    spikes[trial].push(t);
  });
  for (const s of spikes) s.sort((a, b) => a - b);
  return spikes;
}
