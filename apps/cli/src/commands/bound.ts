import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BoundResultSchema,
  boundPlan,
  checkModelForDataset,
  OccamError,
  readDataset,
  readReducedModel,
  runBound,
  writeFileAtomic,
  type BoundResult,
  type CapturedFraction,
} from '@occam/core';
import { UsageError, numberOption, requireString, type Command, type Io } from '../cli.js';
import { wroteLine } from '../stdoutOutput.js';

// dist/commands/bound.js and src/commands/bound.ts both sit four levels below the repository root.
const TCN_TOOL = fileURLToPath(new URL('../../../../tools/tcn-bound/train.py', import.meta.url));
const DEFAULT_PYTHON = '/usr/bin/python3';

export const boundCommand: Command = {
  name: 'bound',
  summary: 'how much of what is predictable the reduced model captures: beside a rich GLM and a TCN on the same held-out trials',
  example: 'occam bound --data data/neuron/v1-C2 --model model.json --tcn --out bound.json',
  details:
    'The reduced model is refitted with its own spec (same split or folds) for its held-out rows; a rich GLM (every pooled atom × a fine ' +
    'lag basis, non-separable, plus products of group drives, ridge chosen by cross-validation on the training trials) is fitted on the ' +
    "same folds; with --tcn or --tcn-predictions a temporal convolutional network's held-out predictions (tools/tcn-bound) join them. " +
    'All are scored with the same metrics on the same rows; intervals resample held-out trials (paired), and the captured fraction is ' +
    'gain(reduced) / gain(reference) over the PSTH, reported only when the reference gain is clearly above 0.',
  options: {
    data: { type: 'string', value: 'DIR', path: 'directory', required: true, description: 'the Dataset the model was fitted to' },
    model: { type: 'string', value: 'FILE', path: 'file', required: true, description: 'the reduced model (JSON from occam fit / search)' },
    out: { type: 'string', value: 'FILE', path: 'file', description: 'where to write the comparison (JSON, schema occam.bound)' },
    'tcn-predictions': {
      type: 'string',
      value: 'DIR',
      path: 'directory',
      description: 'held-out predictions of tools/tcn-bound/train.py (trained with the plan from --write-plan)',
    },
    tcn: { type: 'boolean', description: 'train the TCN now (tools/tcn-bound/train.py with --python; needs torch) and include it' },
    'tcn-quick': { type: 'boolean', description: "with --tcn: the tool's --quick settings (one small network, few epochs: a smoke test, not a bound)" },
    python: { type: 'string', value: 'FILE', path: 'file', default: DEFAULT_PYTHON, description: 'the Python with torch and numpy that runs the TCN tool' },
    'write-plan': {
      type: 'string',
      value: 'FILE',
      path: 'file',
      description: 'write the plan (folds, lag window, history, inputs) for tools/tcn-bound and stop',
    },
    'rich-lags': { type: 'string', value: 'N', default: '8', description: 'lag functions per pooled atom in the rich GLM' },
    'rich-bands': { type: 'string', value: 'N', default: '3', description: "lag bands per group drive for the rich GLM's pairwise products (0: none)" },
    resamples: { type: 'string', value: 'N', default: '1000', description: 'bootstrap resamples of the held-out trials' },
  },
  outputs: [
    { option: 'out', kind: 'file' },
    { option: 'write-plan', kind: 'file' },
  ],
  inputs: (v) => [v.data as string, v.model as string, v['tcn-predictions'] as string],
  async run({ values, io }) {
    const dataDir = requireString(values, 'data');
    const modelPath = requireString(values, 'model');
    const planPath = values['write-plan'] as string | undefined;
    const outPath = values.out as string | undefined;
    const predictions = values['tcn-predictions'] as string | undefined;
    const runTcn = values.tcn === true;
    if (planPath === undefined && outPath === undefined) throw new UsageError('missing --out FILE (or --write-plan FILE to only write the TCN plan)');
    if (planPath !== undefined && outPath !== undefined) throw new UsageError('--write-plan writes the plan and stops; run occam bound again with --out');
    if (runTcn && predictions !== undefined) throw new UsageError('--tcn trains the TCN now and --tcn-predictions reads one trained before; give one of them');
    if (values['tcn-quick'] === true && !runTcn) throw new UsageError('--tcn-quick sets how --tcn trains; give --tcn too');
    const whole = (name: string, fallback: number, min: number) => {
      const v = numberOption(values, name, fallback)!;
      if (!(Number.isInteger(v) && v >= min)) throw new UsageError(`--${name} must be a whole number ≥ ${min}, got ${String(values[name])}`);
      return v;
    };
    const lagFunctions = whole('rich-lags', 8, 1);
    const bands = whole('rich-bands', 3, 0);
    const resamples = whole('resamples', 1000, 1);

    const model = await readReducedModel(modelPath);
    const ds = await readDataset(dataDir);
    checkModelForDataset(model, ds, { modelFile: modelPath, dataset: dataDir });
    const plan = boundPlan(ds, model);
    if (planPath !== undefined) {
      await writeFileAtomic(planPath, `${JSON.stringify(plan)}\n`);
      if (!io.quiet)
        io.out(
          `plan: ${plan.folds.length} fold(s), ${plan.folds.reduce((s, f) => s + f.test.length, 0)} held-out trials, lags ${plan.minLag}–${plan.maxLag}${plan.historyMaxLag ? `, history ${plan.historyMaxLag}` : ''}\n` +
            `train with: /usr/bin/python3 tools/tcn-bound/train.py --data ${dataDir} --plan ${planPath} --out DIR${wroteLine(planPath)}`,
        );
      return;
    }

    let tcnDir = predictions;
    let scratch: string | null = null;
    let tcnSeconds: number | undefined;
    try {
      if (runTcn) {
        scratch = await mkdtemp(join(tmpdir(), 'occam-bound-'));
        const planFile = join(scratch, 'plan.json');
        await writeFileAtomic(planFile, JSON.stringify(plan));
        tcnDir = join(scratch, 'tcn');
        const started = performance.now();
        await runTcnTool(
          (values.python as string | undefined) ?? DEFAULT_PYTHON,
          [TCN_TOOL, '--data', dataDir, '--plan', planFile, '--out', tcnDir, ...(values['tcn-quick'] === true ? ['--quick'] : [])],
          io,
        );
        tcnSeconds = (performance.now() - started) / 1000;
      }
      const tick = io.progress('bound');
      const result = await runBound(ds, model, {
        datasetPath: dataDir,
        modelPath,
        rich: { lagFunctions, interactionBands: bands },
        tcnPredictions: tcnDir,
        tcnSeconds,
        bootstrap: { resamples },
        onProgress: (_s, d, n) => tick(d, n),
      });
      if (runTcn && result.tcn) result.tcn.predictions = null; // a scratch folder, removed below
      const checked = BoundResultSchema.parse(result);
      await writeFileAtomic(outPath!, `${JSON.stringify(checked, null, 1)}\n`);
      if (io.json) io.out(JSON.stringify(checked));
      else if (!io.quiet) io.out(`${boundSummary(checked)}${wroteLine(outPath!)}`);
    } finally {
      if (scratch) await rm(scratch, { recursive: true, force: true });
    }
  },
};

/** Run the TCN tool, passing its progress lines on (stderr), and turn a failure into an OccamError with its words. */
function runTcnTool(python: string, args: string[], io: Io): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const tail: string[] = [];
    let buffer = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        if (!io.quiet && !io.json) io.err(line);
      }
    });
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new OccamError(
          e.code === 'ENOENT'
            ? `--tcn needs ${python} with torch and numpy (Debian: apt-get install python3-torch python3-numpy), and ${python} was not found; give --python PATH or train with tools/tcn-bound/train.py elsewhere and pass --tcn-predictions DIR`
            : `--tcn: could not start ${python}: ${e.message}`,
        ),
      ),
    );
    child.on('close', (code) => {
      if (buffer) tail.push(buffer);
      if (code === 0) resolve();
      else {
        const said = tail
          .filter((l) => l.trim())
          .slice(-3)
          .join('\n  ');
        reject(new OccamError(`--tcn: ${TCN_TOOL} failed (exit ${code})${said ? `:\n  ${said}` : ''}`));
      }
    });
  });
}

const cell = (i: { estimate: number | null; low: number | null; high: number | null }, digits = 4) =>
  i.estimate === null
    ? '—'
    : `${i.estimate.toFixed(digits)}${i.low !== null && i.high !== null ? ` [${i.low.toFixed(digits)}, ${i.high.toFixed(digits)}]` : ''}`;

const percent = (f: CapturedFraction) =>
  f.estimate === null
    ? null
    : `${(100 * f.estimate).toFixed(1)} %${f.low !== null && f.high !== null ? ` [${(100 * f.low).toFixed(1)}, ${(100 * f.high).toFixed(1)}]` : ''}`;

const NAMES: Record<string, string> = { reduced: 'reduced', richGlm: 'rich GLM', tcn: 'TCN' };

/** Reduced vs rich GLM vs TCN vs PSTH side by side, then the captured-fraction sentences. */
export function boundSummary(r: BoundResult): string {
  const columns: [string, BoundResult['psth']][] = [
    ['PSTH', r.psth],
    ...Object.entries(r.predictors).map(([k, v]): [string, BoundResult['psth']] => [NAMES[k] ?? k, v]),
  ];
  const rows: [string, keyof BoundResult['psth'], number][] = [
    ['log-likelihood / bin', 'logLikPerBin', 5],
    ['bits/event over PSTH', 'bitsPerEventOverPsth', 3],
    ['stratified AUROC', 'stratifiedAuroc', 3],
    ['trial-to-trial AUROC', 'trialToTrialAuroc', 3],
    ['AUROC (all bins)', 'auroc', 3],
    ['pseudo-R²', 'pseudoR2', 4],
  ];
  const table = [['', ...columns.map(([n]) => n)], ...rows.map(([label, key, d]) => [label, ...columns.map(([, f]) => cell(f[key], d))])];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const lines = table.map((row) =>
    row
      .map((v, c) => v.padEnd(widths[c]))
      .join('  ')
      .trimEnd(),
  );
  const b = r.bootstrap;
  const out = [
    `held out: ${r.validation.heldOutTrials} trials, ${r.validation.heldOutBins} scored bins (${r.validation.kind}${r.validation.folds > 1 ? `, ${r.validation.folds} folds` : ''}); the reduced model's ${r.model.headline === 'lookup' ? 'lookup table' : 'link'}; ${Math.round(b.level * 100)} % intervals over ${b.resamples} resamples of those trials`,
    '',
    ...lines,
    '',
  ];
  for (const ref of r.references) {
    const name = NAMES[ref.reference] ?? ref.reference;
    const ll = percent(ref.logLikGain);
    const auc = percent(ref.stratifiedAurocGain);
    if (ll !== null || auc !== null)
      out.push(
        `the reduction captures ${ll ?? 'an undefined share (below)'} of the ${name}'s log-likelihood gain over the PSTH, and ${auc ?? 'an undefined share (below)'} of its stratified-AUROC gain`,
      );
    else out.push(`the reduction's share of the ${name}'s gains is not defined here (below):`);
    const d = ref.referenceMinusReduced.logLikPerBin;
    if (ref.referenceVsReduced === 'worse')
      out.push(`  the ${name} predicts held-out bins worse than the reduction (log-likelihood/bin ${cell(d, 5)}): it is no upper bound on these data`);
    for (const [what, f] of [
      ['log-likelihood', ref.logLikGain],
      ['stratified-AUROC', ref.stratifiedAurocGain],
    ] as const)
      if (f.reason) out.push(`  (${what}: ${f.reason})`);
  }
  const g = r.richGlm;
  out.push(
    '',
    `rich GLM: ${g.pooledAtoms} pooled atoms × ${g.lagFunctions} lag functions (${g.lagBasis}) + ${g.historyFunctions} history + ${g.interactionColumns} pairwise drive products = ${g.columns} columns; ridge ${g.folds.map((f) => f.ridge).join(', ')} chosen by ${g.innerFolds}-fold CV on training trials; ${r.timing.richGlmSeconds.toFixed(1)} s`,
  );
  if (r.tcn) out.push(`TCN: ${r.tcn.description}; trained in ${(r.timing.tcnSeconds ?? r.tcn.trainingSeconds).toFixed(1)} s`);
  return out.join('\n');
}
