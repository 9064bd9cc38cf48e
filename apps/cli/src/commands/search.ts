import { candidatesBesideControl, readDataset, runSearch, SearchOptionsSchema, type SearchResult } from '@occam/core';
import { UsageError, numberOption, requireString, type Command } from '../cli.js';
import { closestName } from '../closestName.js';
import { writeTextOutput, wroteLine } from '../stdoutOutput.js';

const STRATEGIES = ['forward', 'backward', 'groupLasso'];

export function searchTable(r: SearchResult): string {
  const f = (v: number | null) => (v === null ? '—' : v.toFixed(3));
  const rank = r.options.rankBy;
  const lines = [`${r.candidates.length} candidates; ranked by ${rank} (held-out, ${r.options.folds}-fold, same folds for all)`, ''];
  lines.push('on the Pareto front (parameters ↑, ranking metric ↑):');
  lines.push('  params  ' + rank.padStart(16) + '   AUROC    PSTH   t2t AUROC   strat AUROC   candidate');
  for (const key of r.paretoFront) {
    const c = r.candidates.find((x) => x.key === key)!;
    const mark = key === r.minimal ? ' ◀ minimal sufficient' : key === r.best ? ' ◀ best' : '';
    lines.push(
      `  ${String(c.parameters).padStart(6)}  ${f(c.metrics[rank]).padStart(16)}   ${f(c.metrics.auroc)}   ${f(c.metrics.psthAuroc)}   ${f(c.metrics.trialToTrialAuroc).padStart(9)}   ${f(c.metrics.stratifiedAuroc).padStart(11)}   ${c.key}${mark}`,
    );
  }
  const decided = { auroc: 'held-out AUROC', trialToTrialAuroc: 'trial-to-trial AUROC (fixed bins)', stratifiedAuroc: 'position-stratified AUROC' }[
    r.options.sufficientBy ?? 'auroc'
  ];
  const suff = r.sufficiency;
  if (suff?.method === 'bootstrap') {
    lines.push(
      '',
      `minimal sufficient model (fewest parameters not significantly worse than the best on ${decided}: one-sided paired bootstrap over trials, α = ${suff.alpha}, ${suff.resamples} resamples; best: ${suff.reference}): ${r.minimal}`,
    );
    const screened = suff.examined.filter((e) => e.verdict === 'screened out').length;
    if (screened > 0)
      lines.push(`  ${screened} smaller candidate(s) screened out without a refit: each lost more than twice the width of the best's own interval`);
    for (const e of suff.examined.filter((x) => x.verdict !== 'screened out'))
      lines.push(
        `  ${e.key} (${e.parameters} parameters): ${e.verdict}${e.difference === null ? '' : `, Δ ${e.difference.toFixed(4)}`}${e.upper === null ? '' : ` (upper ${Math.round((1 - suff.alpha) * 100)} % bound ${e.upper.toFixed(4)})`}`,
      );
  } else lines.push('', `minimal sufficient model (fewest parameters with ${decided} within ${r.options.tolerance} of the best): ${r.minimal}`);
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

/** The options whose values SearchOptionsSchema judges, by the schema's key. */
const SCHEMA_KEYS: Record<string, string> = { 'max-lag': 'maxLag', 'min-lag': 'minLag', folds: 'folds', tolerance: 'tolerance', seed: 'seed', alpha: 'alpha' };

/**
 * The numbers given, judged by the search's own schema before any data is read, so that a bad one is a usage
 * error naming its option (not a failure naming a schema field after the dataset was loaded).
 */
function checkAgainstSchema(values: Record<string, unknown>): void {
  const given = Object.fromEntries(
    Object.entries(SCHEMA_KEYS).flatMap(([option, key]) => (values[option] === undefined ? [] : [[key, Number(values[option])]])),
  );
  const parsed = SearchOptionsSchema.partial().safeParse(given);
  if (parsed.success) return;
  const issue = parsed.error.issues[0];
  const option = Object.keys(SCHEMA_KEYS).find((o) => SCHEMA_KEYS[o] === issue.path[0]) ?? String(issue.path[0]);
  throw new UsageError(`--${option} ${String(values[option])}: ${issue.message.replace(/^\w/, (c) => c.toLowerCase())}`);
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
      default: 'forward,backward,groupLasso',
      description: 'comma-separated search strategies: forward, backward, groupLasso',
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
  },
  outputs: [{ option: 'out', kind: 'file' }],
  inputs: (v) => [v.data as string, v['control-data'] as string],
  async run({ values, io }) {
    checkAgainstSchema(values);
    const ds = await readDataset(requireString(values, 'data'));
    const out = requireString(values, 'out');
    const maxLag = numberOption(values, 'max-lag');
    if (maxLag === undefined) throw new UsageError('missing --max-lag (the longest lag window to consider, in bins)');
    if (!(Number.isInteger(maxLag) && maxLag >= 0 && maxLag < ds.manifest.nBins))
      throw new UsageError(
        `--max-lag must be a whole number from 0 to ${ds.manifest.nBins - 1} (a trial of ${String(values.data)} has ${ds.manifest.nBins} bins), got ${maxLag}`,
      );
    const rankBy = values['rank-by'];
    const family = values.family ?? (ds.manifest.target.kind === 'real' ? 'gaussian' : 'bernoulli');
    const strategies = typeof values.strategies === 'string' ? values.strategies.split(',').map((x) => x.trim()) : undefined;
    for (const st of strategies ?? []) {
      const near = closestName(st, STRATEGIES);
      if (!STRATEGIES.includes(st))
        throw new UsageError(`--strategies: unknown strategy '${st}' (forward, backward, groupLasso)${near ? ` — did you mean '${near}'?` : ''}`);
    }
    const ignore =
      typeof values.ignore === 'string'
        ? values.ignore
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)
        : [];
    const attributes = new Set(ds.manifest.atoms.flatMap((a) => Object.keys(a.attributes)));
    for (const a of ignore)
      if (!attributes.has(a)) throw new UsageError(`--ignore: no atom has an attribute '${a}' (attributes: ${[...attributes].join(', ')})`);
    const exclude: Record<string, (string | number)[]> = {};
    for (const e of (values.exclude as string[] | undefined) ?? []) {
      const m = /^([^=]+)=(.+)$/.exec(e);
      if (!m) throw new UsageError(`--exclude ${e}: expected ATTRIBUTE=VALUE[,VALUE…]`);
      if (!attributes.has(m[1])) throw new UsageError(`--exclude: no atom has an attribute '${m[1]}' (attributes: ${[...attributes].join(', ')})`);
      const numeric = ds.manifest.atoms.some((a) => typeof a.attributes[m[1]] === 'number');
      exclude[m[1]] = [...(exclude[m[1]] ?? []), ...m[2].split(',').map((v) => (numeric ? Number(v) : v))];
    }
    const threads = numberOption(values, 'threads');
    if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new UsageError(`--threads must be a whole number ≥ 1, got ${threads}`);
    const sufficientBy = values['sufficient-by'];
    const sufficiency = values.sufficiency;
    const alpha = numberOption(values, 'alpha');
    if (alpha !== undefined && !(alpha > 0 && alpha < 0.5))
      throw new UsageError(`--alpha must be between 0 and 0.5 (one-sided level of the sufficiency test), got ${alpha}`);
    const tick = io.progress('searching');
    const result = await runSearch(
      ds,
      {
        maxLag,
        folds: numberOption(values, 'folds', 3),
        tolerance: numberOption(values, 'tolerance', 0.005),
        seed: numberOption(values, 'seed', 0),
        family: family as 'bernoulli',
        minLag: numberOption(values, 'min-lag', 0),
        ignoreAttributes: ignore,
        exclude,
        includeReadoutAtoms: values['include-readout-atoms'] === true,
        ...(rankBy ? { rankBy: rankBy as 'llGainOverPsth' } : {}),
        ...(sufficientBy ? { sufficientBy: sufficientBy as 'auroc' } : {}),
        ...(sufficiency ? { sufficiency: sufficiency as 'bootstrap' } : {}),
        ...(alpha !== undefined ? { alpha } : {}),
        ...(strategies ? { strategies: strategies as ('forward' | 'backward' | 'groupLasso')[] } : {}),
      },
      { checkpoint: typeof values.checkpoint === 'string' ? values.checkpoint : undefined, onProgress: tick, threads },
    );
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
    if (!io.json)
      for (const c of result.control ?? []) if (c.comparison?.warning) io.err(`warning: the ${c.role} candidate beside the control: ${c.comparison.warning}`);
    if (io.json) io.out(JSON.stringify(result));
    else if (!io.quiet) io.out(`${searchTable(result)}${wroteLine(out)}`);
  },
};
