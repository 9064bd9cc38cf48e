import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  candidatesBesideControl,
  figureOfMetric,
  parseSearchOptions,
  readDataset,
  runSearch,
  SearchOptionError,
  STRATEGY_NAMES,
  type Candidate,
  type DatasetManifest,
  type SearchOptions,
  type SearchOptionsInput,
  type SearchResult,
} from '@occam/core';
import { UsageError, numberOption, requireString, type Command } from '../cli.js';
import { writeTextOutput, wroteLine } from '../stdoutOutput.js';
import { executorFrom, executorOptions, wantsExecutor } from './task.js';

type Metric = keyof Candidate['metrics'];

/**
 * The Pareto-front rows: each figure with its 95 % interval over trials where the candidate has one, for the
 * ranking figure and the deciding one (a column holds the widest cell, so intervals stay aligned).
 */
function paretoRows(r: SearchResult): string[] {
  const f = (v: number | null) => (v === null ? '—' : v.toFixed(3));
  const rank = r.options.rankBy;
  const gaussian = r.options.family === 'gaussian';
  const deciding: Metric = gaussian ? 'pseudoR2' : (r.options.sufficientBy ?? 'auroc');
  const withInterval = new Set<Metric>([rank, deciding]);
  const cell = (c: Candidate, m: Metric) => {
    const figure = figureOfMetric(m);
    const i = figure && withInterval.has(m) ? c.intervals?.[figure] : undefined;
    return `${f(c.metrics[m])}${i ? ` [${i[0].toFixed(3)}, ${i[1].toFixed(3)}]` : ''}`;
  };
  const columns: { title: string; metric: Metric }[] = [
    { title: rank, metric: rank },
    ...(gaussian ? [{ title: 'pseudo-R²', metric: 'pseudoR2' as Metric }] : []),
    { title: 'AUROC', metric: 'auroc' },
    { title: 'PSTH', metric: 'psthAuroc' },
    { title: 't2t AUROC', metric: 'trialToTrialAuroc' },
    { title: 'strat AUROC', metric: 'stratifiedAuroc' },
  ];
  const front = r.paretoFront.map((key) => r.candidates.find((x) => x.key === key)!);
  const cells = front.map((c) => columns.map((col) => cell(c, col.metric)));
  const widths = columns.map((col, j) => Math.max(col.title.length, ...cells.map((row) => row[j].length)));
  const rows = [`  params  ${columns.map((col, j) => col.title.padStart(widths[j])).join('   ')}   candidate`];
  front.forEach((c, k) => {
    const mark = c.key === r.minimal ? ' ◀ minimal sufficient' : c.key === r.best ? ' ◀ best' : '';
    rows.push(`  ${String(c.parameters).padStart(6)}  ${cells[k].map((v, j) => v.padStart(widths[j])).join('   ')}   ${c.key}${mark}`);
  });
  return rows;
}

export function searchTable(r: SearchResult): string {
  const f = (v: number | null) => (v === null ? '—' : v.toFixed(3));
  const rank = r.options.rankBy;
  const lines = [`${r.candidates.length} candidates; ranked by ${rank} (held-out, ${r.options.folds}-fold, same folds for all)`, ''];
  const drawn = r.candidateIntervals;
  lines.push(
    `on the Pareto front (parameters ↑, ranking metric ↑)${drawn ? `; [${Math.round(drawn.level * 100)} % interval over trials, ${drawn.resamples} resamples]` : ''}:`,
  );
  lines.push(...paretoRows(r));
  const decided = { auroc: 'held-out AUROC', trialToTrialAuroc: 'trial-to-trial AUROC (fixed bins)', stratifiedAuroc: 'position-stratified AUROC' }[
    r.options.sufficientBy ?? 'auroc'
  ];
  const suff = r.sufficiency;
  // Two figures on purpose, said once: a reader otherwise sees two different "best" candidates.
  lines.push(
    '',
    `(the front and ◀ best rank by ${rank}; sufficiency is judged on ${decided}${suff && 'reference' in suff ? ', against the candidate best on that figure' : ''} — --rank-by and --sufficient-by choose them)`,
  );
  if (suff?.method === 'bootstrap') {
    lines.push(
      `minimal sufficient model (fewest parameters not significantly worse than the best on ${decided}: one-sided paired bootstrap over trials, α = ${suff.alpha}, ${suff.resamples} resamples; best: ${suff.reference}): ${r.minimal}`,
    );
    const screened = suff.examined.filter((e) => e.verdict === 'screened out').length;
    if (screened > 0)
      lines.push(`  ${screened} smaller candidate(s) screened out without a refit: each lost more than twice the width of the best's own interval`);
    const shown = suff.examined.filter((x) => x.verdict !== 'screened out');
    // The paired interval is two-sided at 1 − 2α: its upper end is the one-sided (1 − α) bound the test reads.
    const withLow = shown.some((e) => typeof e.low === 'number');
    if (withLow)
      lines.push(
        `  each examined candidate − the best: Δ [${Math.round((1 - 2 * suff.alpha) * 100)} % paired interval over trials; its upper end is the one-sided ${Math.round((1 - suff.alpha) * 100)} % bound the test reads]`,
      );
    const paired = (e: (typeof shown)[number]) =>
      typeof e.low === 'number' && e.upper !== null
        ? ` [${e.low.toFixed(4)}, ${e.upper.toFixed(4)}]`
        : e.upper === null
          ? ''
          : ` (upper ${Math.round((1 - suff.alpha) * 100)} % bound ${e.upper.toFixed(4)})`;
    for (const e of shown)
      lines.push(`  ${e.key} (${e.parameters} parameters): ${e.verdict}${e.difference === null ? '' : `, Δ ${e.difference.toFixed(4)}`}${paired(e)}`);
  } else lines.push(`minimal sufficient model (fewest parameters with ${decided} within ${r.options.tolerance} of the best): ${r.minimal}`);
  if (r.options.includeReadoutAtoms)
    lines.push(
      "note: candidates may use atoms that read the behaviour's own readout (--include-readout-atoms): they decompose the answer and predict it whatever the weights",
    );
  if (r.minimalFilters.some((f) => f.temporal.x.length > 1))
    lines.push(`its temporal filters peak at lag: ${r.minimalFilters.map((f) => `${f.group} ${f.peakLag}`).join('; ')}`);
  const strongest = r.minimalFilters.filter((f) => f.netWeight !== undefined).sort((a, b) => Math.abs(b.netWeight!) - Math.abs(a.netWeight!));
  if (strongest.length > 3)
    lines.push(
      `its strongest groups (net filter weight): ${strongest
        .slice(0, 3)
        .map((f) => `${f.group} ${f.netWeight!.toFixed(2)}`)
        .join('; ')}`,
    );
  const spatialPeaks = r.minimalFilters.filter((f) => f.spatial);
  if (spatialPeaks.length)
    lines.push(`its filters over ${spatialPeaks[0].spatial!.attribute} peak at: ${spatialPeaks.map((f) => `${f.group} ${f.spatial!.peak}`).join('; ')}`);
  lines.push('ablations of the minimal model (each family lowered one level):');
  for (const a of r.ablations)
    lines.push(
      `  ${a.family}: ${a.from} → ${a.to}   Δ${rank} ${f(a.deltaRank)}   ΔAUROC ${f(a.deltaAuroc)}   Δtrial-to-trial AUROC ${f(a.deltaTrialToTrialAuroc)}   Δstratified AUROC ${f(a.deltaStratifiedAuroc)}`,
    );
  for (const [strategy, path] of Object.entries(r.paths)) lines.push(`${strategy} path: ${path.length} step(s), ended at: ${path[path.length - 1]}`);
  if (r.groupLasso) {
    const entered = r.groupLasso.blocks.filter((b) => b.enteredAt !== null).sort((a, b) => b.enteredAt! - a.enteredAt!);
    lines.push(
      `group-lasso entry order (λ, largest first): ${entered.map((b) => `${b.family}: ${b.level} (${b.enteredAt!.toExponential(2)})`).join(' → ') || 'nothing entered'}`,
    );
  }
  for (const c of r.control ?? []) {
    const s = c.comparison?.selectivity;
    const f = (i: { estimate: number | null; low: number | null; high: number | null } | undefined) =>
      !i || i.estimate === null ? '—' : `${i.estimate.toFixed(3)}${i.low === null || i.high === null ? '' : ` [${i.low.toFixed(3)}, ${i.high.toFixed(3)}]`}`;
    lines.push(
      c.comparison
        ? `beside the ${c.comparison.control.kind} control, the ${c.role} candidate's selectivity: ${f(s?.bitsPerEvent)} bits/event, ${f(s?.stratifiedAuroc)} stratified AUROC (control gain ${f(c.comparison.gains.control.bitsPerEvent)} bits/event)`
        : `beside the control, the ${c.role} candidate: ${c.note}`,
    );
  }
  if (r.redundantAttributes.length) lines.push(`skipped (same information as another attribute): ${r.redundantAttributes.join(', ')}`);
  return lines.join('\n');
}

/** Each search option's flag, where it is not the option's name in kebab case. */
const FLAG_OF: Partial<Record<keyof SearchOptions, string>> = { ignoreAttributes: 'ignore' };

function flagOf(option: keyof SearchOptions): string {
  return FLAG_OF[option] ?? option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function list(v: unknown): string[] | undefined {
  return typeof v === 'string' ? v.split(',').map((x) => x.trim()) : undefined;
}

/** The search options as given on the command line (text split into lists and numbers; judged by the core). */
function searchInput(values: Record<string, unknown>): SearchOptionsInput {
  const exclude: Record<string, string[]> = {};
  for (const e of (values.exclude as string[] | undefined) ?? []) {
    const m = /^([^=]+)=(.+)$/.exec(e);
    if (!m) throw new UsageError(`--exclude ${e}: expected ATTRIBUTE=VALUE[,VALUE…]`);
    exclude[m[1]] = [...(exclude[m[1]] ?? []), ...m[2].split(',')];
  }
  const given = {
    maxLag: numberOption(values, 'max-lag'),
    minLag: numberOption(values, 'min-lag'),
    folds: numberOption(values, 'folds'),
    tolerance: numberOption(values, 'tolerance'),
    seed: numberOption(values, 'seed'),
    alpha: numberOption(values, 'alpha'),
    family: values.family,
    rankBy: values['rank-by'],
    sufficientBy: values['sufficient-by'],
    sufficiency: values.sufficiency,
    strategies: list(values.strategies),
    ignoreAttributes: list(values.ignore)?.filter(Boolean),
    exclude,
    includeReadoutAtoms: values['include-readout-atoms'] === true,
  };
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as SearchOptionsInput;
}

/** The core's judgement of the options (with the dataset's manifest: against the data), its errors naming the flag. */
function judged(values: Record<string, unknown>, input: SearchOptionsInput, manifest?: DatasetManifest): SearchOptions {
  try {
    return parseSearchOptions(input, manifest);
  } catch (error) {
    if (!(error instanceof SearchOptionError)) throw error;
    const flag = flagOf(error.option);
    const typed = values[flag];
    throw new UsageError(error.describe(`--${flag}`, typeof typed === 'string' ? typed : undefined));
  }
}

export const searchCommand: Command = {
  name: 'search',
  summary: 'search feature families (groupings, resolutions, lag windows, history, structure) for the minimal sufficient model',
  example: 'occam search --data data/neuron/v1-C2 --max-lag 40 --out search.json --checkpoint search.ckpt.jsonl',
  options: {
    data: { type: 'string', value: 'DIR', path: 'directory', required: true, description: 'the Dataset to search (a folder with manifest.json)' },
    'max-lag': {
      type: 'string',
      value: 'N',
      required: true,
      description: 'the longest lag window to consider, in bins (shorter windows are tried too); below the trial length',
    },
    out: {
      type: 'string',
      value: 'FILE',
      path: 'file',
      stdout: true,
      required: true,
      description: "where to write the search result (JSON); '-' writes it to stdout and the table to stderr",
    },
    'min-lag': { type: 'string', value: 'N', default: '0', description: 'the shortest lag any window starts at, in bins' },
    folds: { type: 'string', value: 'N', default: '3', description: 'cross-validation folds by trial, the same folds for every candidate (2 … 20)' },
    sufficiency: {
      type: 'string',
      value: 'HOW',
      choices: ['bootstrap', 'tolerance'],
      default: 'bootstrap',
      description:
        'how the minimal sufficient model is decided: bootstrap = fewest parameters not significantly worse than the best (paired over trials); tolerance = fewest parameters within --tolerance of the best',
    },
    alpha: { type: 'string', value: 'P', default: '0.05', description: 'one-sided level of the bootstrap sufficiency test (between 0 and 0.5)' },
    tolerance: {
      type: 'string',
      value: 'X',
      default: '0.005',
      description: 'the margin of --sufficiency tolerance, and the step forward and backward selection need to move',
    },
    'sufficient-by': {
      type: 'string',
      value: 'METRIC',
      choices: ['auroc', 'trialToTrialAuroc', 'stratifiedAuroc'],
      default: 'stratifiedAuroc for token data, else auroc',
      description: 'the held-out figure sufficiency is decided on',
    },
    'rank-by': {
      type: 'string',
      value: 'METRIC',
      choices: ['llGainOverPsth', 'trialToTrialAuroc', 'stratifiedAuroc'],
      default: 'llGainOverPsth',
      description: 'the held-out figure candidates are ranked by (none can be gamed by a time-only model)',
    },
    strategies: {
      type: 'string',
      value: 'LIST',
      default: STRATEGY_NAMES.join(','),
      description: `comma-separated search strategies: ${STRATEGY_NAMES.join(', ')}`,
    },
    family: {
      type: 'string',
      value: 'FAMILY',
      choices: ['bernoulli', 'poisson', 'gaussian'],
      default: 'gaussian for a real-valued target, else bernoulli',
      description: 'the GLM family',
    },
    ignore: { type: 'string', value: 'ATTR,…', description: 'atom attributes never used to group (e.g. identifiers), comma-separated' },
    exclude: {
      type: 'string',
      value: 'ATTR=VALUE,…',
      multiple: true,
      description: 'leave out of every candidate the atoms whose attribute has one of these values',
    },
    'include-readout-atoms': {
      type: 'boolean',
      description: "let candidates use atoms that read the behaviour's own readout (they predict it whatever the weights)",
    },
    'control-data': {
      type: 'string',
      value: 'DIR',
      path: 'directory',
      description: "a control system's Dataset of the same trials: the minimal and best candidates are refitted there and their selectivity reported",
    },
    threads: {
      type: 'string',
      value: 'N',
      default: 'one per CPU core',
      description: 'worker threads that score candidates (the result does not depend on it)',
    },
    checkpoint: { type: 'string', value: 'FILE', path: 'file', description: 'a JSONL file of scored candidates: a run stopped part-way resumes from it' },
    seed: { type: 'string', value: 'N', default: '0', description: 'seed of the fold assignment and the bootstrap' },
    ...executorOptions,
    executor: {
      ...executorOptions.executor,
      description:
        'where the candidates are scored: local = in this process (on threads; with --work-dir as tasks, one after another), slurm = as SLURM job arrays (sbatch; one per batch a strategy proposes, one task per candidate) writing into --work-dir',
    },
  },
  outputs: [
    { option: 'out', kind: 'file' },
    { option: 'work-dir', kind: 'work-folder' },
  ],
  inputs: (v) => [v.data as string, v['control-data'] as string],
  async run({ values, io }) {
    const input = searchInput(values);
    // Judged before the data is read, so that a bad number is reported at once; then against the data.
    judged(values, input);
    const out = requireString(values, 'out');
    const dataDir = requireString(values, 'data');
    if (values.threads !== undefined && (values.executor === 'slurm' || values['work-dir'] !== undefined))
      throw new UsageError('--threads sets the threads of a search run here; with --executor slurm or --work-dir each candidate is a task of its own');
    // The candidates as executor tasks only when asked (--executor, --work-dir): the default scores them on threads here.
    const onExecutor = wantsExecutor(values) ? executorFrom(values, out, io) : null;
    const ds = await readDataset(dataDir);
    const options = judged(values, input, ds.manifest);
    const threads = numberOption(values, 'threads');
    if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new UsageError(`--threads must be a whole number ≥ 1, got ${threads}`);
    const tick = io.progress('searching');
    const result = await runSearch(ds, options, {
      checkpoint: typeof values.checkpoint === 'string' ? values.checkpoint : undefined,
      // Said on stderr, so a user knows the fits are reused and that stopping again loses nothing scored.
      onResume: (n) => {
        if (!io.quiet)
          io.err(
            n > 0
              ? `resuming from ${values.checkpoint}: ${n} candidate(s) already scored`
              : `checkpoint ${values.checkpoint}: each scored candidate is kept there; a stopped run resumes with the same command`,
          );
      },
      onProgress: tick,
      threads,
      // Absolute: the tasks may run in another folder of another machine (a shared filesystem's same path).
      ...(onExecutor ? { executor: { executor: onExecutor.executor, work: onExecutor.work, dataset: resolve(dataDir) } } : {}),
    });
    const controlDir = values['control-data'] as string | undefined;
    if (controlDir !== undefined) {
      const cds = await readDataset(controlDir);
      const about = (cds.manifest.metadata.control as { kind?: string; source?: string; seed?: number } | undefined) ?? {};
      const pick = (key: string) => result.candidates.find((c) => c.key === key)!;
      const roles = [
        { role: 'minimal', candidate: pick(result.minimal) },
        ...(result.best !== result.minimal ? [{ role: 'best', candidate: pick(result.best) }] : []),
      ];
      result.control = candidatesBesideControl(ds, cds, roles, { kind: about.kind ?? 'control', source: about.source, seed: about.seed, dataset: controlDir });
    }
    await writeTextOutput(out, JSON.stringify(result, null, 1) + '\n');
    if (onExecutor?.temporary) await rm(onExecutor.work, { recursive: true, force: true });
    if (!io.json)
      for (const c of result.control ?? []) if (c.comparison?.warning) io.err(`warning: the ${c.role} candidate beside the control: ${c.comparison.warning}`);
    if (io.json) io.out(JSON.stringify(result));
    else if (!io.quiet) io.out(`${searchTable(result)}${wroteLine(out)}`);
  },
};
