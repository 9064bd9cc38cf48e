import type { BootstrapOptions } from '../bootstrap/bootstrapFigures.js';
import type { Dataset } from '../dataset/dataset.js';
import { OccamError } from '../errors.js';
import { compareWithControl, type ControlComparison } from '../model/controlComparison.js';
import { fitReducedModelWithPredictions } from '../model/fitReducedModel.js';
import type { Candidate } from './schema.js';

/**
 * The search's chosen candidates (minimal, best) fitted with the same spec and folds on a control system's
 * dataset (same trials: e.g. a random-weights copy of a language model extracted under the same prompts),
 * each with its selectivity. A candidate the control explains as well is a property of the atoms, not of
 * what the system learned.
 */
export function candidatesBesideControl(
  ds: Dataset,
  control: Dataset,
  candidates: { role: string; candidate: Candidate }[],
  about: ControlComparison['control'],
  options: BootstrapOptions = {},
): { role: string; key: string; comparison: ControlComparison | null; note: string | null }[] {
  if (control.manifest.nTrials !== ds.manifest.nTrials || control.manifest.nBins !== ds.manifest.nBins) {
    throw new OccamError(
      `control dataset: ${control.manifest.nTrials} trials × ${control.manifest.nBins} bins, but the searched dataset has ${ds.manifest.nTrials} × ${ds.manifest.nBins} — a control must be extracted under the same prompts`,
      { field: 'control' },
    );
  }
  return candidates.map(({ role, candidate }) => {
    const own = fitReducedModelWithPredictions(ds, candidate.spec, { bootstrap: false, coincidence: false });
    try {
      const ctl = fitReducedModelWithPredictions(control, candidate.spec, { bootstrap: false, coincidence: false });
      return { role, key: candidate.key, comparison: compareWithControl(own.heldOut, ctl.heldOut, about, options), note: null };
    } catch (error) {
      if (!(error instanceof OccamError)) throw error;
      return { role, key: candidate.key, comparison: null, note: `the control could not be fitted: ${error.message}` };
    }
  });
}
