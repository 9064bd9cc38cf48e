import { access } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { checkModelForDataset, OccamError, readDataset, type Dataset } from '@occam/core';
import { reportDataForModel, type ReportDataOptions } from './data/reportDataForModel.js';
import type { ReportInput, ReportOptions } from './input/reportInput.js';
import { readResultFile } from './input/readResultFile.js';
import { SelectivitySchema, type Selectivity, type SelectivityInput } from './input/selectivity.js';
import { buildReport } from './page/buildReport.js';

export interface ReportFromFilesOptions
  extends Omit<ReportOptions, 'search' | 'matrices' | 'systemControls' | 'dynamics' | 'bounds' | 'interventions' | 'sources'> {
  /** Dataset directory for every model's prediction figures; default: each model's provenance.dataset.path. */
  data?: string;
  prediction?: ReportDataOptions;
  /**
   * A control model file (e.g. the random-weights control that `occam lm reduce` writes) shown beside the one
   * model given: its scores side by side, its filters dashed or in their own heatmap.
   */
  control?: string;
  /** What to call the control in the report. Default "random-weights control". */
  controlLabel?: string;
  /** Trained gain minus control gain, with intervals: `{ bitsPerEvent: {estimate, low, high}, stratifiedAuroc?: {…}, level? }`. */
  selectivity?: SelectivityInput;
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

/** The control model and selectivity, checked: a control pairs with exactly one model. */
async function readControl(models: number, options: ReportFromFilesOptions): Promise<{ control: ReportInput['control']; selectivity: Selectivity | null }> {
  let selectivity: Selectivity | null = null;
  if (options.selectivity !== undefined) {
    const parsed = SelectivitySchema.safeParse(options.selectivity);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new OccamError(
        `selectivity: ${issue.path.join('.') || '(root)'}: ${issue.message}; expected { bitsPerEvent: { estimate, low, high }, stratifiedAuroc?: { estimate, low, high }, level? }`,
        { field: `selectivity.${issue.path.join('.')}` },
      );
    }
    selectivity = parsed.data;
  }
  if (options.control === undefined) {
    if (selectivity && models !== 1) throw new OccamError(`a selectivity belongs to one model, but ${models} models were given: report them one at a time`);
    return { control: null, selectivity };
  }
  if (models !== 1)
    throw new OccamError(`--control ${options.control}: a control pairs with one model, but ${models} models were given: report them one at a time`);
  const r = await readResultFile(options.control);
  if (r.kind !== 'model')
    throw new OccamError(`--control ${options.control}: not a reduced model (its "format" must be "occam.reduced-model"); pass the control's model JSON`, {
      file: options.control,
    });
  return { control: { model: r.model, label: options.controlLabel ?? 'random-weights control' }, selectivity };
}

/**
 * `occam report RESULT… [--data DIR]`: read result files of any kind (reduced models, search, comparison,
 * dynamics, bound and intervention JSON, told apart by "format"), compute each model's prediction data from its dataset, and build
 * the page. A model's dataset is `options.data` (an error if unreadable), else its recorded dataset path,
 * tried as given and beside the model file (a note if missing: the prediction figures are then left out).
 */
export async function reportFromFiles(paths: string[], options: ReportFromFilesOptions = {}): Promise<string> {
  if (paths.length === 0)
    throw new OccamError('occam report needs at least one result file (a model, search, comparison, dynamics, bound or intervention JSON)');
  const results = await Promise.all(paths.map((p) => readResultFile(p)));
  const models = results.flatMap((r) => (r.kind === 'model' ? [r] : []));
  // A model that carries its control comparison (lm reduce, fit --control-data) brings its selectivity, and
  // its control's model from beside it (<name>.control.json, as lm reduce writes it) unless one is given.
  const carried = models.length === 1 ? models[0].model.control : undefined;
  if (carried && options.selectivity === undefined) {
    options = { ...options, selectivity: { ...carried.selectivity, level: carried.bootstrap.level } };
    if (options.control === undefined) {
      const beside = models[0].path.replace(/\.json$/, '') + '.control.json';
      if (beside !== models[0].path && (await exists(beside)))
        options = { ...options, control: beside, controlLabel: options.controlLabel ?? `${carried.control.kind} control` };
    }
  }
  const pairing = await readControl(models.length, options);
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
    let dsPath: string | null = null;
    if (options.data) ds = await load((dsPath = options.data));
    else {
      const recorded = r.model.provenance.dataset.path;
      const candidates = recorded ? [recorded, ...(isAbsolute(recorded) ? [] : [resolve(dirname(r.path), recorded)])] : [];
      let found: string | null = null;
      for (const c of candidates)
        if (await exists(c)) {
          found = c;
          break;
        }
      if (found) ds = await load((dsPath = found));
      else
        note(
          recorded
            ? `${r.path}: its dataset ${recorded} was not found, so its ROC, example trials, raster and PSTH are left out (pass --data DIR)`
            : `${r.path}: the model records no dataset path, so its ROC, example trials, raster and PSTH are left out (pass --data DIR)`,
        );
    }
    if (ds) checkModelForDataset(r.model, ds, { modelFile: r.path, dataset: dsPath! });
    inputs.push({ model: r.model, label: r.path, prediction: ds ? reportDataForModel(r.model, ds, options.prediction) : null, ...pairing });
  }
  return buildReport(inputs, {
    ...options,
    notes,
    sources: paths,
    search: results.flatMap((r) => (r.kind === 'search' ? [r.result] : [])),
    matrices: results.flatMap((r) => (r.kind === 'matrices' ? r.result : [])),
    systemControls: results.flatMap((r) => (r.kind === 'matrices' ? (r.controls ?? []) : [])),
    dynamics: results.flatMap((r) => (r.kind === 'dynamics' ? [r.result] : [])),
    bounds: results.flatMap((r) => (r.kind === 'bound' ? [r.result] : [])),
    interventions: results.flatMap((r) => (r.kind === 'intervention' ? [{ ...r.result, title: r.result.title ?? `Interventions: ${r.path}` }] : [])),
  });
}
