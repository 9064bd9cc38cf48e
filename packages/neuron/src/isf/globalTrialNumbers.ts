import type { IsfRunDirectory, IsfTrialFiles } from './runDirectories.js';

/** One trial with its place in the whole data set. */
export interface NumberedIsfTrial {
  /** Global trial number: 0-based position over all run directories (see {@link numberIsfTrials}). */
  global: number;
  directory: IsfRunDirectory;
  files: IsfTrialFiles;
}

/**
 * Number the trials of all run directories globally, the numbering a top-level spike-time file (`--spikes`)
 * uses and the dataset's own trial order: run directories in sorted order of their path relative to the root
 * (as {@link findIsfRunDirectories} returns them), within a directory its trials by their `simulation_run%04d`
 * index; trial g is the g-th in that order, from 0. So global = (trials in earlier directories) + (position
 * of the trial within its directory): a directory's runs 0000, 0001, 0003 get three consecutive numbers,
 * a gap in the run indices leaves no gap.
 */
export function numberIsfTrials(directories: readonly IsfRunDirectory[]): NumberedIsfTrial[] {
  const out: NumberedIsfTrial[] = [];
  for (const directory of directories) for (const files of directory.trials) out.push({ global: out.length, directory, files });
  return out;
}
