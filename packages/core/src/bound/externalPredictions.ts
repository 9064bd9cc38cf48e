import { join } from 'node:path';
import { z } from 'zod';
import { OccamError, zodProblem } from '../errors.js';
import { readNpy } from '../io/npy.js';
import { readJsonFile } from '../io/readJsonFile.js';
import type { PlanFold } from './validationPlan.js';

/** The array files of a predictions directory (fixed names: nothing in the manifest can point elsewhere). */
export const PREDICTION_FILES = { probability: 'probability.npy', trial: 'trial.npy', bin: 'bin.npy' } as const;

const TrialList = z.array(z.number().int().nonnegative());

/**
 * manifest.json of held-out per-bin predictions made outside occam (tools/tcn-bound writes one): which trials
 * each fold was trained on and predicted, what the predictor was, and beside it three NumPy arrays of one row per
 * predicted bin — `probability.npy` (float32/float64, the predicted mean: P(event) for binary targets),
 * `trial.npy` and `bin.npy` (int32). occam scores the rows itself, with its own metrics.
 */
export const ExternalPredictionsManifestSchema = z.strictObject({
  format: z.literal('occam.bound-predictions'),
  version: z.literal(1),
  predictor: z.strictObject({
    /** Short name, e.g. "tcn". */
    kind: z.string().min(1),
    description: z.string(),
    /** The hyper-parameters used (chosen on training trials only). */
    hyperparameters: z.record(z.string(), z.unknown()),
    /** How they were chosen: candidates and their validation scores, free form. */
    selection: z.unknown().optional(),
    /** Wall-clock seconds of training (selection included) on the machine that ran it. */
    trainingSeconds: z.number().nonnegative(),
    software: z.record(z.string(), z.string()).default({}),
  }),
  dataset: z.strictObject({ nTrials: z.number().int().positive(), nBins: z.number().int().positive(), atoms: z.number().int().positive() }),
  folds: z.array(z.strictObject({ train: TrialList, test: TrialList })).min(1),
});
export type ExternalPredictionsManifest = z.infer<typeof ExternalPredictionsManifestSchema>;

export interface ExternalPredictions {
  manifest: ExternalPredictionsManifest;
  /** The predicted mean per design row (scored bins, trial-major); NaN where no fold predicts the row. */
  byRow: Float64Array;
}

const sameList = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Read external held-out predictions and place them on occam's rows. Refused, naming the file: a manifest for
 * another dataset, folds trained or tested on other trials than the plan's (the comparison must be on the same
 * held-out rows, fitted on the same training trials), a row outside the held-out scored bins, a bin predicted
 * twice or not at all, a probability that is not finite or, for binary targets, outside (0, 1).
 */
export async function readExternalPredictions(
  dir: string,
  expected: { nTrials: number; nBins: number; atoms: number; plan: PlanFold[]; binary: boolean },
  rows: { trial: ArrayLike<number>; bin: ArrayLike<number> },
): Promise<ExternalPredictions> {
  const manifestPath = join(dir, 'manifest.json');
  const json = await readJsonFile(manifestPath, { what: 'predictions manifest' });
  const parsed = ExternalPredictionsManifestSchema.safeParse(json);
  if (!parsed.success) throw zodProblem(manifestPath, parsed.error, ExternalPredictionsManifestSchema);
  const manifest = parsed.data;
  const d = manifest.dataset;
  if (d.nTrials !== expected.nTrials || d.nBins !== expected.nBins || d.atoms !== expected.atoms) {
    throw new OccamError(
      `${manifestPath}: the predictions are for a dataset of ${d.nTrials} trials × ${d.nBins} bins × ${d.atoms} atoms, but this one has ${expected.nTrials} × ${expected.nBins} × ${expected.atoms}; predict this dataset`,
      { file: manifestPath, field: 'dataset' },
    );
  }
  if (manifest.folds.length !== expected.plan.length) {
    throw new OccamError(
      `${manifestPath}: ${manifest.folds.length} fold(s), but the reduced model's validation has ${expected.plan.length}; train with the plan occam writes (occam bound --write-plan FILE)`,
      { file: manifestPath, field: 'folds' },
    );
  }
  manifest.folds.forEach((f, i) => {
    const want = expected.plan[i];
    const train = [...f.train].sort((a, b) => a - b);
    const test = [...f.test].sort((a, b) => a - b);
    for (const [name, got, need] of [
      ['train', train, want.train],
      ['test', test, want.test],
    ] as const) {
      if (!sameList(got, need)) {
        throw new OccamError(
          `${manifestPath}: folds[${i}].${name} lists ${got.length} trials that differ from the reduced model's ${need.length} ${name} trials; the predictor must be trained and scored on the same trials (train with occam bound --write-plan FILE)`,
          { file: manifestPath, field: `folds.${i}.${name}` },
        );
      }
    }
  });

  const read = (name: keyof typeof PREDICTION_FILES, dtypes: ('int32' | 'float32' | 'float64')[]) =>
    readNpy(join(dir, PREDICTION_FILES[name]), { dtypes, namedBy: manifestPath });
  const probability = await read('probability', ['float32', 'float64']);
  const trial = await read('trial', ['int32']);
  const bin = await read('bin', ['int32']);
  const m = probability.data.length;
  for (const [name, a] of [
    ['probability', probability],
    ['trial', trial],
    ['bin', bin],
  ] as const) {
    if (a.shape.length !== 1 || a.data.length !== m) {
      throw new OccamError(`${join(dir, PREDICTION_FILES[name])}: shape [${a.shape}], expected one dimension of ${m} rows like probability.npy`, {
        file: join(dir, PREDICTION_FILES[name]),
      });
    }
  }

  const { nBins } = expected;
  const rowAt = new Int32Array(expected.nTrials * nBins).fill(-1);
  for (let r = 0; r < rows.trial.length; r++) rowAt[rows.trial[r] * nBins + rows.bin[r]] = r;
  const heldOut = new Set(expected.plan.flatMap((f) => f.test));
  const byRow = new Float64Array(rows.trial.length).fill(NaN);
  const probPath = join(dir, PREDICTION_FILES.probability);
  for (let i = 0; i < m; i++) {
    const t = trial.data[i];
    const b = bin.data[i];
    const v = probability.data[i];
    const where = `row ${i} (trial ${t}, bin ${b})`;
    if (!(t >= 0 && t < expected.nTrials && b >= 0 && b < nBins) || !heldOut.has(t) || rowAt[t * nBins + b] < 0) {
      throw new OccamError(`${join(dir, PREDICTION_FILES.trial)}: ${where} is not a scored bin of a held-out trial; predict only the held-out scored bins`, {
        file: join(dir, PREDICTION_FILES.trial),
      });
    }
    if (!Number.isFinite(v) || (expected.binary && !(v > 0 && v < 1))) {
      throw new OccamError(`${probPath}: ${where} is ${v}; expected a finite${expected.binary ? ' probability strictly between 0 and 1' : ' mean'}`, {
        file: probPath,
      });
    }
    const r = rowAt[t * nBins + b];
    if (!Number.isNaN(byRow[r])) throw new OccamError(`${probPath}: ${where} is predicted twice`, { file: probPath });
    byRow[r] = v;
  }
  let missing = 0;
  for (let r = 0; r < rows.trial.length; r++) if (heldOut.has(rows.trial[r]) && Number.isNaN(byRow[r])) missing++;
  if (missing > 0) {
    throw new OccamError(`${probPath}: ${missing} held-out scored bin(s) have no prediction; predict every scored bin of every test trial`, { file: probPath });
  }
  return { manifest, byRow };
}
