import { access } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { OccamError, readDataset, type Dataset } from '@occam/core';
import { reportDataForModel, type ReportDataOptions } from './data/reportDataForModel.js';
import type { ReportInput, ReportOptions } from './input/reportInput.js';
import { readResultFile } from './input/readResultFile.js';
import { buildReport } from './page/buildReport.js';

export interface ReportFromFilesOptions extends Omit<ReportOptions, 'search' | 'matrices' | 'dynamics' | 'sources'> {
  /** Dataset directory for every model's prediction figures; default: each model's provenance.dataset.path. */
  data?: string;
  prediction?: ReportDataOptions;
  /** Told about anything left out (e.g. a model whose dataset cannot be found). */
  onNote?: (message: string) => void;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * `occam report RESULT… [--data DIR]`: read result files of any kind (reduced models, search, comparison and
 * dynamics JSON, told apart by "format"), compute each model's prediction data from its dataset, and build
 * the page. A model's dataset is `options.data` (an error if unreadable), else its recorded dataset path,
 * tried as given and beside the model file (a note if missing: the prediction figures are then left out).
 */
export async function reportFromFiles(paths: string[], options: ReportFromFilesOptions = {}): Promise<string> {
  if (paths.length === 0) throw new OccamError('occam report needs at least one result file (a model, search, comparison or dynamics JSON)');
  const results = await Promise.all(paths.map((p) => readResultFile(p)));
  const notes = [...(options.notes ?? [])];
  const note = (message: string) => {
    notes.push(message);
    options.onNote?.(message);
  };
  const datasets = new Map<string, Dataset>();
  const load = async (dir: string) => {
    const key = resolve(dir);
    if (!datasets.has(key)) datasets.set(key, await readDataset(dir));
    return datasets.get(key)!;
  };
  const inputs: ReportInput[] = [];
  for (const r of results) {
    if (r.kind !== 'model') continue;
    let ds: Dataset | null = null;
    if (options.data) ds = await load(options.data);
    else {
      const recorded = r.model.provenance.dataset.path;
      const candidates = recorded ? [recorded, ...(isAbsolute(recorded) ? [] : [resolve(dirname(r.path), recorded)])] : [];
      let found: string | null = null;
      for (const c of candidates) if (await exists(c)) {
        found = c;
        break;
      }
      if (found) ds = await load(found);
      else
        note(
          recorded
            ? `${r.path}: its dataset ${recorded} was not found, so its ROC, example trials, raster and PSTH are left out (pass --data DIR)`
            : `${r.path}: the model records no dataset path, so its ROC, example trials, raster and PSTH are left out (pass --data DIR)`,
        );
    }
    inputs.push({ model: r.model, label: r.path, prediction: ds ? reportDataForModel(r.model, ds, options.prediction) : null });
  }
  return buildReport(inputs, {
    ...options,
    notes,
    sources: paths,
    search: results.flatMap((r) => (r.kind === 'search' ? [r.result] : [])),
    matrices: results.flatMap((r) => (r.kind === 'matrices' ? r.result : [])),
    dynamics: results.flatMap((r) => (r.kind === 'dynamics' ? [r.result] : [])),
  });
}
