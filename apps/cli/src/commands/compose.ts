import {
  checkSpecForDataset,
  composeConditions,
  readDataset,
  readSpecFile,
  type ComposeGate,
  type ComposeInterval,
  type ComposeResult,
  type Dataset,
} from '@occam/core';
import { LM_SPEC, PUBLISHED_SPEC } from '../bundledFiles.js';
import { UsageError, numberOption, requireString, type Command } from '../cli.js';
import { writeTextOutput, wroteLine } from '../stdoutOutput.js';

const CONDITION = /^([^=]+)=(.+)$/;

function interval(i: ComposeInterval, digits = 3): string {
  const f = (v: number | null) => (v === null ? '—' : v.toFixed(digits));
  return `${f(i.estimate)} [${f(i.low)}, ${f(i.high)}]`;
}

/** The candidates' table, the minimal composition, the families that differ, and the gate beside the labelled model. */
export function composeText(r: ComposeResult): string {
  const gainName = r.options.figure === 'pseudoR2' ? 'pseudo-R²' : 'LL gain (bits/event over PSTH)';
  const pct = `${Math.round(r.options.level * 100)} %`;
  const rows = r.candidates.map((c) => [
    `${c.key === r.minimal ? '* ' : '  '}${c.key}`,
    String(c.parameters),
    interval(c.logLikGain),
    interval(c.stratifiedAuroc),
    `${(c.versusBest.estimate ?? 0).toFixed(3)} (upper ${c.versusBest.high === null ? '—' : c.versusBest.high.toFixed(3)})`,
    c.verdict,
  ]);
  const head = ['candidate', 'params', `${gainName} [${pct}]`, `stratified AUROC [${pct}]`, `vs best (one-sided α=${r.options.alpha})`, 'verdict'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const lines = [
    `conditions: ${r.conditions.map((c) => `${c.name} (${c.trials} trials, ${c.events} events in ${c.scoredBins} scored bins)`).join('; ')}`,
    `${r.options.folds}-fold cross-validation by trial, stratified by condition (seed ${r.options.seed}); * = minimal composition`,
    '',
    line(head),
    ...rows.map(line),
    '',
    `minimal composition: ${r.minimal} (best: ${r.best})`,
  ];
  const differ = r.familyDifferences.filter((f) => f.differs).map((f) => f.family);
  lines.push(`families that differ between conditions: ${differ.length ? differ.join(', ') : 'none'}`);
  for (const f of r.familyDifferences)
    if (f.gainOverOffsets)
      lines.push(`  ${f.family} condition-specific vs shared (with offsets): ${interval(f.gainOverOffsets)} (one-sided α=${r.options.alpha})`);
  for (const f of r.specificFilters)
    lines.push(
      `  ${f.family}, each condition's filter${f.attribute ? ` over ${f.attribute}` : ''}: ${f.byCondition
        .map(
          (b) =>
            `${b.condition} peaks${b.peak === null ? '' : ` at ${b.peak}`} (${b.profile[f.x.indexOf(b.peak ?? NaN)]?.toFixed(2) ?? b.profile[0].toFixed(2)})`,
        )
        .join(', ')}`,
    );
  const g = r.gate;
  const reads = (x: ComposeGate) =>
    x.featureFamilies.map((f) => (f === 'volume' ? `input volume of ${x.features.filter((n) => n.startsWith('log(')).length} input groups` : f)).join(', ');
  const accuracy = (x: ComposeGate) =>
    `held-out condition accuracy ${x.accuracy.toFixed(3)} (${r.conditions.map((c, i) => `${c.name} ${x.accuracyByCondition[i].toFixed(3)}`).join(', ')})`;
  lines.push(
    '',
    `gate (condition unknown; multinomial logistic from ${reads(g)}):`,
    `  ${accuracy(g)}`,
    `  gated ${gainName} ${interval(g.logLikGain)}, stratified AUROC ${interval(g.stratifiedAuroc)}`,
    `  gated − labelled: ${interval(g.lossLogLikGain)} ${r.options.figure === 'pseudoR2' ? 'pseudo-R²' : 'bits/event'}, ${interval(g.lossStratifiedAuroc)} stratified AUROC`,
  );
  for (const a of g.ablations ?? []) lines.push(`  from ${reads(a)} alone: ${accuracy(a)}; gated − labelled ${interval(a.lossLogLikGain)}`);
  return lines.join('\n');
}

export const composeCommand: Command = {
  name: 'compose',
  summary:
    "minimal composition of one system's models across conditions (shared, gains, condition-specific families, separate), and a gate when the condition is unknown",
  usage: 'occam compose --condition NAME=DATASET --condition NAME=DATASET [--condition …]… --out FILE [options]',
  example: 'occam compose --condition C2=data/neuron/v1-C2 --condition D2=data/neuron/v1-D2 --out compose.json',
  details:
    "Every candidate is fitted and scored on the same folds (by trial, stratified by condition). The minimal composition is the fewest-parameter candidate whose paired held-out log-likelihood gain is not significantly below the best's (one-sided paired bootstrap over trials at --alpha, the search's sufficiency rule). Filters are fitted in full (every basis weight) whatever the spec's structure. The gate (a multinomial logistic fitted on the training folds) predicts each held-out trial's condition from label-free features — --gate-features: 'volume' (log total |input| per input group over the bins the filters read) and 'trial' (the per-trial features the Datasets carry, e.g. a language-model prompt's repeat-lag, its detected period, and repeat-share; 'trial:NAME' for one) — and mixes the condition models by its probabilities.",
  options: {
    condition: {
      type: 'string',
      value: 'NAME=DATASET',
      multiple: true,
      description: 'a condition: its name and its Dataset folder (at least two; every Dataset lists the same atoms)',
    },
    spec: {
      type: 'string',
      value: 'FILE',
      path: 'file',
      description: 'the model spec (JSON); default: the published neuron spec for ms bins, the language-model spec for tokens',
    },
    out: {
      type: 'string',
      value: 'FILE',
      path: 'file',
      stdout: true,
      required: true,
      description: "where to write the result (JSON); '-' writes it to stdout and the table to stderr",
    },
    folds: { type: 'string', value: 'N', default: '5', description: 'cross-validation folds (by trial, within each condition)' },
    seed: { type: 'string', value: 'N', default: '0', description: 'seed of the folds and the bootstrap' },
    alpha: { type: 'string', value: 'A', default: '0.05', description: 'one-sided level of "significantly worse than the best"' },
    resamples: { type: 'string', value: 'N', default: '1000', description: 'bootstrap resamples of the held-out trials' },
    'gate-features': {
      type: 'string',
      value: 'LIST',
      default: 'volume,trial (trial only where every Dataset carries per-trial features)',
      description: 'what the gate reads, comma-separated: volume, trial (every per-trial feature the Datasets carry), trial:NAME (one, e.g. trial:repeat-lag)',
      suggestions: ['volume', 'trial', 'volume,trial'],
    },
  },
  outputs: [{ option: 'out', kind: 'file' }],
  inputs: (v) => [v.spec as string | undefined, ...((v.condition as string[] | undefined) ?? []).map((s) => CONDITION.exec(s)?.[2])],
  async run({ values, io }) {
    const out = requireString(values, 'out');
    const given = (values.condition as string[] | undefined) ?? [];
    if (given.length < 2) throw new UsageError('give at least two --condition NAME=DATASET');
    const folds = numberOption(values, 'folds', 5)!;
    if (!(Number.isInteger(folds) && folds >= 2 && folds <= 20)) throw new UsageError(`--folds must be a whole number from 2 to 20, got ${folds}`);
    const seed = numberOption(values, 'seed', 0)!;
    if (!Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number, got ${seed}`);
    const alpha = numberOption(values, 'alpha', 0.05)!;
    if (!(alpha > 0 && alpha < 0.5)) throw new UsageError(`--alpha must be between 0 and 0.5, e.g. 0.05, got ${alpha}`);
    const resamples = numberOption(values, 'resamples', 1000)!;
    if (!(Number.isInteger(resamples) && resamples >= 100)) throw new UsageError(`--resamples must be a whole number ≥ 100, got ${resamples}`);
    const gateList = values['gate-features'] as string | undefined;
    const gateFeatures =
      gateList === undefined
        ? undefined
        : gateList
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s.length > 0);
    if (gateFeatures !== undefined && gateFeatures.length === 0)
      throw new UsageError('--gate-features is empty: give volume, trial or trial:NAME (comma-separated)');
    const conditions: { name: string; dataset: Dataset; path: string }[] = [];
    for (const s of given) {
      const m = CONDITION.exec(s);
      if (!m) throw new UsageError(`--condition '${s}' must look like NAME=DATASET`);
      if (conditions.some((c) => c.name === m[1])) throw new UsageError(`--condition: the name '${m[1]}' is given twice; name each condition once`);
      conditions.push({ name: m[1], dataset: await readDataset(m[2]), path: m[2] });
    }
    const specPath = (values.spec as string | undefined) ?? (conditions[0].dataset.manifest.binUnit === 'token' ? LM_SPEC : PUBLISHED_SPEC);
    const spec = await readSpecFile(specPath);
    for (const c of conditions) checkSpecForDataset(spec, c.dataset, { specFile: specPath, dataset: c.path });
    const tick = io.progress('composing');
    const result = composeConditions(
      conditions.map(({ name, dataset }) => ({ name, dataset })),
      spec,
      { folds, seed, alpha, resamples, gateFeatures, specFile: specPath, onProgress: (_s, d, n) => tick(d, n) },
    );
    await writeTextOutput(out, JSON.stringify(result, null, 1) + '\n');
    if (io.json) io.out(JSON.stringify(result));
    else if (!io.quiet) io.out(`${composeText(result)}${wroteLine(out)}`);
  },
};
