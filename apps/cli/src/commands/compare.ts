import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkModelForDataset, compareModels, compareModelsOn, readDataset, readReducedModel, type CompareResult } from '@occam/core';
import { UsageError, numberOption, requireString, type Command } from '../cli.js';
import { writeTextOutput, wroteLine } from '../stdoutOutput.js';
import { executorFrom, executorOptions, wantsExecutor } from './task.js';

type IntervalGrid = ([number, number] | null)[][];

/** A matrix of figures, each with its interval when given: `0.994 [0.990, 0.997]`. */
function matrixText(names: string[], m: (number | null)[][], ci?: IntervalGrid): string {
  const short = names.map((n, i) => `[${i + 1}]`);
  const cell = (v: number | null, i: number, j: number) => {
    if (v === null) return '—';
    const c = ci?.[i]?.[j];
    return c ? `${v.toFixed(3)} [${c[0].toFixed(3)}, ${c[1].toFixed(3)}]` : v.toFixed(3);
  };
  const width = ci ? 24 : 8;
  return [
    '       ' + short.map((s) => s.padStart(width)).join(''),
    ...m.map((row, i) => short[i].padEnd(7) + row.map((v, j) => cell(v, i, j).padStart(width)).join('')),
  ].join('\n');
}

export function compareText(r: CompareResult): string {
  const lines = r.names.map((n, i) => `[${i + 1}] ${n}`);
  // Systems with different atom sets are matched by group label; say where a model and another system's data differ.
  for (const g of r.groupMatching ?? []) {
    if (g.unknown.length) lines.push(`${g.model}'s model on ${g.data}'s data: groups it has no weights for, left out: ${g.unknown.join('; ')}`);
    if (g.absent.length) lines.push(`${g.model}'s model on ${g.data}'s data: its groups with no atoms there: ${g.absent.join('; ')}`);
  }
  const cp = r.crossPrediction;
  const ci = cp.intervals;
  const pct = ci ? ` [${Math.round(100 * ci.level)} % intervals over the column's held-out trials; differences paired]` : '';
  lines.push('', `cross-prediction, held-out AUROC (row model on column data)${pct}:`, matrixText(r.names, cp.auroc, ci?.auroc));
  lines.push('', "relative to the column system's own model (0 = as good as its own):", matrixText(r.names, cp.relativeToOwn, ci?.relativeToOwn));
  if (cp.stratifiedAuroc && cp.stratifiedRelativeToOwn) {
    lines.push(
      '',
      'position-stratified AUROC (pairs within each bin; anything that depends on position alone scores 0.5):',
      matrixText(r.names, cp.stratifiedAuroc, ci?.stratifiedAuroc),
    );
    lines.push('', "stratified, relative to the column system's own model:", matrixText(r.names, cp.stratifiedRelativeToOwn, ci?.stratifiedRelativeToOwn));
  }
  for (const c of r.controls ?? []) {
    const s = c.control.selectivity.stratifiedAuroc;
    const f = (v: number | null) => (v === null ? '—' : v.toFixed(3));
    lines.push(`${c.name}: selectivity beside its ${c.control.control.kind} control ${f(s.estimate)} [${f(s.low)}, ${f(s.high)}] stratified AUROC`);
  }
  const fi = r.filterSimilarityIntervals;
  const simPct = fi ? ` [${Math.round(100 * fi.level)} % intervals over ${fi.draws} draws of each system's filters from its Laplace posterior]` : '';
  for (const f of r.filterSimilarity.filter((x) => x.filter !== 'full'))
    lines.push(
      '',
      `filter similarity (cosine), ${f.group === f.filter ? f.group : `${f.group} ${f.filter}`}${simPct}:`,
      matrixText(r.names, f.matrix, f.intervals),
    );
  for (const u of fi?.unavailable ?? []) lines.push(`  no similarity intervals with ${u.name}: ${u.reason}`);
  lines.push('', `order by similarity: ${r.order.join(' · ')}`, '', 'response differences — share explained by swapping inputs vs swapping models:');
  const share = (v: number | null, c: [number, number] | null | undefined) =>
    v === null ? '—' : `${(100 * v).toFixed(0)}%` + (c ? ` [${(100 * c[0]).toFixed(0)}, ${(100 * c[1]).toFixed(0)}]` : '');
  const vi = r.variability.find((v) => v.intervals)?.intervals;
  if (vi) lines.push(`  [${Math.round(100 * vi.level)} % intervals over resamples of each system's held-out trials]`);
  for (const v of r.variability)
    lines.push(
      `  ${v.a} vs ${v.b}: inputs ${share(v.inputShare, v.intervals?.inputShare)}, models ${share(v.modelShare, v.intervals?.modelShare)}${v.intervals?.note ? ` (${v.intervals.note})` : ''}`,
    );
  return lines.join('\n');
}

export const compareCommand: Command = {
  name: 'compare',
  summary: 'universality across systems / transfer across conditions: filter similarity, cross-prediction, inputs vs models',
  usage: 'occam compare --system NAME=MODEL.json@DATASET --system NAME=MODEL.json@DATASET [--system …]… --out FILE [options]',
  example:
    'occam compare --system v1=results/models/v1-C2.model.json@data/neuron/v1-C2 --system v2=results/models/v2-C2.model.json@data/neuron/v2-C2 --out compare.json',
  options: {
    system: {
      type: 'string',
      value: 'NAME=MODEL.json@DATASET',
      multiple: true,
      description: 'a system: its name, its reduced model and the Dataset it was fitted on (at least two)',
    },
    out: {
      type: 'string',
      value: 'FILE',
      path: 'file',
      stdout: true,
      required: true,
      description: "where to write the comparison (JSON); '-' writes it to stdout and the summary to stderr",
    },
    kind: {
      type: 'string',
      value: 'KIND',
      choices: ['systems', 'conditions'],
      default: 'systems',
      description: 'systems: universality across systems; conditions: transfer of one system across conditions',
    },
    seed: { type: 'string', value: 'N', default: '0', description: 'seed of the interval resampling and the simulated responses' },
    resamples: { type: 'string', value: 'N', default: '1000', description: "resamples of each column's held-out trials for the intervals" },
    'filter-draws': {
      type: 'string',
      value: 'N',
      default: '1000',
      description: "draws of each system's filters from its Laplace posterior for the filter similarity intervals (0: none)",
    },
    ...executorOptions,
  },
  outputs: [
    { option: 'out', kind: 'file' },
    { option: 'work-dir', kind: 'work-folder' },
  ],
  inputs: (v) => ((v.system as string[] | undefined) ?? []).flatMap((s) => /^[^=]+=(.+)@(.+)$/.exec(s)?.slice(1) ?? []),
  async run({ values, io }) {
    const out = requireString(values, 'out');
    const specs = (values.system as string[] | undefined) ?? [];
    if (specs.length < 2) throw new UsageError('give at least two --system NAME=MODEL.json@DATASET');
    const kind = (values.kind as 'systems' | 'conditions' | undefined) ?? 'systems';
    const systems = [];
    const files = [];
    for (const s of specs) {
      const m = /^([^=]+)=(.+)@(.+)$/.exec(s);
      if (!m) throw new UsageError(`--system '${s}' must look like NAME=MODEL.json@DATASET`);
      const system = { name: m[1], model: await readReducedModel(m[2]), dataset: await readDataset(m[3]) };
      checkModelForDataset(system.model, system.dataset, { modelFile: m[2], dataset: m[3] });
      systems.push(system);
      // Absolute: the tasks may run in another folder of another machine (a shared filesystem's same path).
      files.push({ name: m[1], model: resolve(m[2]), dataset: resolve(m[3]) });
    }
    const resamples = numberOption(values, 'resamples', 1000)!;
    if (!(Number.isInteger(resamples) && resamples >= 1)) throw new UsageError(`--resamples must be a whole number ≥ 1, got ${resamples}`);
    const filterDraws = numberOption(values, 'filter-draws', 1000)!;
    if (!(Number.isInteger(filterDraws) && filterDraws >= 0)) throw new UsageError(`--filter-draws must be a whole number ≥ 0, got ${filterDraws}`);
    const options = { kind, seed: numberOption(values, 'seed', 0), resamples, filterDraws };
    let result: CompareResult;
    // The cross-prediction matrix as tasks, one per column, only when asked: the default runs as before.
    if (wantsExecutor(values)) {
      const { executor, work, temporary } = executorFrom(values, out, io);
      result = await compareModelsOn(executor, work, systems, files, options, io.progress('cross-predicting'));
      if (temporary) await rm(work, { recursive: true, force: true });
    } else result = compareModels(systems, options);
    await writeTextOutput(out, JSON.stringify(result, null, 1) + '\n');
    if (!io.json) for (const c of result.controls ?? []) if (c.control.warning) io.err(`warning: ${c.name}: ${c.control.warning}`);
    if (io.json) io.out(JSON.stringify(result));
    else if (!io.quiet) io.out(`${compareText(result)}${wroteLine(out)}`);
  },
};
