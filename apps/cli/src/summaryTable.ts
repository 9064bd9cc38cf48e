import type { MetricBlock, MetricIntervals, ReducedModel } from '@occam/core';

type Interval = [number, number] | null | undefined;

const f = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined ? '—' : v.toFixed(digits));

/** `0.964 [0.951, 0.975]`: a figure with its bootstrap interval, or the bare figure where none was computed. */
const fi = (v: number | null | undefined, ci: Interval, digits = 3): string =>
  v === null || v === undefined ? '—' : ci ? `${v.toFixed(digits)} [${ci[0].toFixed(digits)}, ${ci[1].toFixed(digits)}]` : v.toFixed(digits);

const FIGURE_LABEL: Record<string, string> = {
  auroc: 'AUROC per bin',
  stratifiedAuroc: 'stratified AUROC',
  trialToTrialAuroc: 'trial-to-trial AUROC',
  gainOverPsth: 'gain over PSTH',
  pseudoR2: 'pseudo-R²',
  accuracy: 'accuracy',
};

/** The words of one vocabulary (a neuron's, or a language model's: see LANGUAGE_MODEL_WORDS). */
type Words = (text: string) => string;

function block(label: string, m: MetricBlock, say: Words, headline: 'lookup' | 'link' = 'link'): string[] {
  // labels are translated before padding, so both vocabularies keep the columns aligned
  const row = (name: string, cells: string[], width: number) => say(name).padEnd(48) + cells.map((c) => say(c).padStart(width)).join('');
  const iv: MetricIntervals | null = m.intervals ?? null;
  const w = iv ? 32 : 11;
  const thresholds = m.accuracyThresholdsFrom === 'scored bins' || !m.accuracyThresholdsFrom ? 'best threshold on these bins' : 'threshold from training bins';
  const head = say(`${label}: ${m.model.bins} bins, ${m.model.events} events`);
  const lines = [
    iv ? `${head}; [${Math.round(iv.level * 100)} % interval: ${say(`${iv.resamples} resamples of the ${iv.trials} trials`)}, seed ${iv.seed}]` : head,
    row('', ['model', 'lookup', 'PSTH', 'constant'], w),
    row(
      '  AUROC per bin',
      [fi(m.model.auroc, iv?.model.auroc), fi(m.lookup?.auroc, iv?.lookup?.auroc), fi(m.psth.auroc, iv?.psth.auroc), f(m.constant.auroc)],
      w,
    ),
    row(
      '  log-likelihood / bin',
      [
        fi(m.model.logLikPerBin, iv?.model.logLikPerBin, 5),
        fi(m.lookup?.logLikPerBin, iv?.lookup?.logLikPerBin, 5),
        fi(m.psth.logLikPerBin, iv?.psth.logLikPerBin, 5),
        f(m.constant.logLikPerBin, 5),
      ],
      w,
    ),
    row(
      '  pseudo-R² (vs constant)',
      [fi(m.model.pseudoR2, iv?.model.pseudoR2), fi(m.lookup?.pseudoR2, iv?.lookup?.pseudoR2), fi(m.psth.pseudoR2, iv?.psth.pseudoR2), f(m.constant.pseudoR2)],
      w,
    ),
    row(
      `  accuracy (${thresholds})`,
      [
        fi(m.model.accuracy, iv?.model.accuracy, 4),
        fi(m.lookup?.accuracy, iv?.lookup?.accuracy, 4),
        fi(m.psth.accuracy, iv?.psth.accuracy, 4),
        f(m.nullAccuracy, 4),
      ],
      w,
    ),
    row(
      '  trial-to-trial AUROC (fixed bins)',
      [
        fi(m.trialToTrialAuroc.model, iv?.model.trialToTrialAuroc),
        m.lookup ? fi(m.trialToTrialAuroc.lookup, iv?.lookup?.trialToTrialAuroc) : '',
        fi(m.trialToTrialAuroc.psth, iv?.psth.trialToTrialAuroc),
        '',
      ],
      w,
    ),
  ];
  if (m.stratifiedAuroc)
    lines.push(
      row(
        '  stratified AUROC (within each bin)',
        [
          fi(m.stratifiedAuroc.model, iv?.model.stratifiedAuroc),
          m.lookup ? fi(m.stratifiedAuroc.lookup, iv?.lookup?.stratifiedAuroc) : '',
          f(m.stratifiedAuroc.psth),
          '',
        ],
        w,
      ),
    );
  const d = iv?.modelMinusPsth;
  const gain = [`${fi(m.gainOverPsth.bitsPerEvent, d?.bitsPerEventOverPsth)} bits/event`, `ΔAUROC ${fi(m.gainOverPsth.auroc, d?.auroc)}`];
  if (m.stratifiedAuroc && m.stratifiedAuroc.model !== null && m.stratifiedAuroc.psth !== null)
    gain.push(`Δ stratified AUROC ${fi(m.stratifiedAuroc.model - m.stratifiedAuroc.psth, d?.stratifiedAuroc)}`);
  const viaLookup = headline === 'lookup' ? lookupGain(m) : null;
  if (viaLookup) {
    // The training trials chose the lookup table as the headline: its gain is the one quoted elsewhere (bound, report), so it comes first.
    lines.push(say(`  gain over PSTH${d ? ' (paired intervals)' : ''}, through the lookup table (the headline): ${viaLookup.join(', ')}`));
    lines.push(say(`  gain over PSTH through the link: ${gain.join(', ')}`));
  } else lines.push(say(`  gain over PSTH${d ? ' (paired intervals)' : ''}: ${gain.join(', ')}`));
  const ld = iv?.lookupMinusModel;
  if (m.lookup && m.lookup.logLikPerBin !== null && m.model.logLikPerBin !== null)
    lines.push(`  lookup − link (paired): log-likelihood / bin ${fi(m.lookup.logLikPerBin - m.model.logLikPerBin, ld?.logLikPerBin, 5)}`);
  for (const flag of m.smallSample?.flagged ?? [])
    lines.push(
      `  ⚠ few events: ${FIGURE_LABEL[flag.figure] ?? flag.figure} rests on ${flag.events} events (fewer than ${m.smallSample!.minEvents}); it means little, read its interval`,
    );
  return lines;
}

/**
 * The lookup table's gain over the PSTH: bits/event scale with the log-likelihood difference on the same rows and
 * events, so it follows from the link's gain; the interval is the lookup's own paired one (null where undefined).
 */
function lookupGain(m: MetricBlock): string[] | null {
  const lk = m.lookup;
  const g = m.gainOverPsth.bitsPerEvent;
  if (!lk || lk.logLikPerBin === null || m.model.logLikPerBin === null || m.psth.logLikPerBin === null || g === null) return null;
  const linkDiff = m.model.logLikPerBin - m.psth.logLikPerBin;
  if (linkDiff === 0) return null;
  const iv = m.intervals?.lookup;
  const out = [`${fi((g * (lk.logLikPerBin - m.psth.logLikPerBin)) / linkDiff, iv?.bitsPerEventOverPsth)} bits/event`];
  const paired = m.intervals?.lookupMinusPsth;
  if (lk.auroc !== null && m.psth.auroc !== null) out.push(`ΔAUROC ${fi(lk.auroc - m.psth.auroc, paired?.auroc)}`);
  const s = m.stratifiedAuroc;
  if (s?.lookup !== undefined && s.lookup !== null && s.psth !== null) out.push(`Δ stratified AUROC ${fi(s.lookup - s.psth, paired?.stratifiedAuroc)}`);
  return out;
}

/** The figure that decides, with its interval, and why it is the one. */
function deciding(model: ReducedModel): string | null {
  const dm = model.metrics.decidingMetric;
  if (!dm) return null;
  const t = model.metrics.test;
  const iv = t.intervals ?? null;
  // The column the headline uses: the lookup table when the training trials chose it (nonlinearity.choice).
  const lookup = model.nonlinearity.choice?.headline === 'lookup' && t.lookup !== null;
  const value =
    dm.metric === 'stratifiedAuroc'
      ? lookup
        ? fi(t.stratifiedAuroc?.lookup, iv?.lookup?.stratifiedAuroc)
        : fi(t.stratifiedAuroc?.model, iv?.model.stratifiedAuroc)
      : dm.metric === 'trialToTrialAuroc'
        ? lookup
          ? fi(t.trialToTrialAuroc.lookup, iv?.lookup?.trialToTrialAuroc)
          : fi(t.trialToTrialAuroc.model, iv?.model.trialToTrialAuroc)
        : lookup
          ? fi(t.lookup?.pseudoR2, iv?.lookup?.pseudoR2)
          : fi(t.model.pseudoR2, iv?.model.pseudoR2);
  const name = dm.metric === 'stratifiedAuroc' ? 'stratified AUROC' : dm.metric === 'trialToTrialAuroc' ? 'trial-to-trial AUROC (fixed bins)' : 'pseudo-R²';
  return `deciding figure: held-out ${name}${lookup ? ' through the lookup table (the training trials chose it as the headline link)' : ''} ${value} (${dm.why})`;
}

/** The summary a scientist reads first: size, baselines beside every figure, intervals (warnings go to stderr: fitWarningLines). */
export function summaryTable(model: ReducedModel): string {
  const m = model.metrics;
  const tokens = model.provenance.dataset.binUnit === 'token';
  const say: Words = tokens ? (t) => LANGUAGE_MODEL_WORDS.reduce((x, [from, to]) => x.replaceAll(from, to), t) : (t) => t;
  const headline = model.nonlinearity.choice?.headline === 'lookup' ? 'lookup' : 'link';
  const lines = [
    // many groups (a language model's heads × features) are listed in the model file and the report, not on one line
    `reduced model: ${model.spec.structure}, ${model.layout.groups.length} group(s) ${model.layout.groups.length <= 6 ? `[${model.layout.groups.join('; ')}]` : `(grouped by ${model.spec.groupBy.map((g) => (typeof g === 'string' ? g : g.attribute)).join(', ')})`}, ${model.fit.parameters} parameters, family ${model.spec.family}`,
    say(
      `fit: ${model.fit.solver}, ${model.fit.iterations} iterations${model.fit.alternations ? `, ${model.fit.alternations} alternations` : ''}, ${model.fit.converged ? 'converged' : 'NOT converged'}, ${model.fit.rows} training bins`,
    ),
    ...block('train', m.train, say, headline),
    ...block(m.testKind === 'kfold' ? `test (${m.folds}-fold out-of-fold)` : 'test (held-out trials)', m.test, say, headline),
    say(`fixed bins for trial-to-trial AUROC: ${m.fixedBins.join(', ')}`),
  ];
  if (m.repeated) {
    const r = m.repeated;
    const spread = (key: keyof typeof r.mean, label: string, digits = 3) =>
      r.mean[key] === null ? null : `${label} ${f(r.mean[key], digits)} (sd ${f(r.sd[key], digits)}, range ${f(r.min[key], digits)}–${f(r.max[key], digits)})`;
    const parts = [
      spread('trialToTrialAuroc', 'trial-to-trial AUROC'),
      spread('stratifiedAuroc', 'stratified AUROC'),
      spread('auroc', 'AUROC per bin'),
      spread('bitsPerEventOverPsth', 'gain over PSTH (bits/event)'),
      spread('pseudoR2', 'pseudo-R²'),
    ].filter((x) => x !== null);
    lines.push(
      `repeated ${r.folds}-fold cross-validation × ${r.repeats} (fold seeds ${r.seeds[0]}–${r.seeds[r.seeds.length - 1]}; the test block above is repeat 1), mean over repeats with their spread: ${parts.join('; ')}`,
    );
  }
  const choice = model.nonlinearity.choice;
  if (choice)
    lines.push(
      `nonlinearity: the headline uses the ${choice.headline === 'lookup' ? 'lookup table' : `${model.nonlinearity.link} link`}, chosen on the training trials ` +
        `(${choice.folds}-fold CV log-likelihood / bin: lookup ${choice.lookupLogLikPerBin.toFixed(5)}, link ${choice.linkLogLikPerBin.toFixed(5)}; lookup smoothness ${choice.smoothness.toPrecision(2)} chosen on the same folds)`,
    );
  const decide = deciding(model);
  if (decide) lines.push(decide);
  // Γ compares simulated with recorded spike trains: it has no meaning for a language model's behaviour.
  if (m.coincidence && !tokens)
    lines.push(
      `coincidence factor Γ (±${m.coincidence.deltaBins} bins, simulated vs recorded, test trials): ${fi(m.coincidence.gamma, m.coincidence.interval)}`,
    );
  return lines.map((l) => (l.startsWith('  ') ? l : say(l))).join('\n');
}

/**
 * The same table in a language model's words: prompts and token positions, the position baseline (the
 * training prompts' mean per position, which is what the PSTH is there), "with the behaviour" for events.
 */
const LANGUAGE_MODEL_WORDS: [string | RegExp, string][] = [
  ['trial-to-trial AUROC (fixed bins)', 'prompt-to-prompt AUROC (fixed positions)'],
  ['fixed bins for trial-to-trial AUROC', 'fixed positions for prompt-to-prompt AUROC'],
  ['trial-to-trial AUROC', 'prompt-to-prompt AUROC'],
  ['stratified AUROC (within each bin)', 'stratified AUROC (within each position)'],
  ['AUROC per bin', 'AUROC per position'],
  ['log-likelihood / bin', 'log-likelihood / position'],
  ['test (held-out trials)', 'test (held-out prompts)'],
  ['training trials', 'training prompts'],
  ['training bins', 'training positions'],
  ['best threshold on these bins', 'best threshold on these positions'],
  [/ (\d+) bins, (\d+) events/g, ' $1 positions, $2 with the behaviour'],
  [/of the (\d+) trials/g, 'of the $1 prompts'],
  ['gain over PSTH', 'gain over the position baseline'],
  ['PSTH', 'position'],
];

/**
 * The fit's warnings, one line each, for stderr: a warning belongs beside the output, not inside it (stdout
 * may be piped or be JSON; the model file keeps them in fit.warnings). Commands print them unless --quiet.
 */
export function fitWarningLines(model: ReducedModel): string[] {
  return model.fit.warnings.map((w) => `warning: ${w}`);
}
