import type { MetricBlock, ReducedModel } from '@occam/core';

const f = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined ? '—' : v.toFixed(digits));

function row(name: string, cells: string[]): string {
  return name.padEnd(34) + cells.map((c) => c.padStart(11)).join('');
}

function block(label: string, m: MetricBlock): string[] {
  const lines = [
    `${label}: ${m.model.bins} bins, ${m.model.events} events`,
    row('', ['model', 'lookup', 'PSTH', 'constant']),
    row('  AUROC per bin', [f(m.model.auroc), f(m.lookup?.auroc), f(m.psth.auroc), f(m.constant.auroc)]),
    row('  log-likelihood / bin', [f(m.model.logLikPerBin, 5), f(m.lookup?.logLikPerBin, 5), f(m.psth.logLikPerBin, 5), f(m.constant.logLikPerBin, 5)]),
    row('  pseudo-R² (vs constant)', [f(m.model.pseudoR2), f(m.lookup?.pseudoR2), f(m.psth.pseudoR2), f(m.constant.pseudoR2)]),
    row('  accuracy (best threshold)', [f(m.model.accuracy, 4), f(m.lookup?.accuracy, 4), f(m.psth.accuracy, 4), f(m.nullAccuracy, 4)]),
    row('  trial-to-trial AUROC (fixed bins)', [f(m.trialToTrialAuroc.model), '', f(m.trialToTrialAuroc.psth), '']),
    `  gain over PSTH: ${f(m.gainOverPsth.bitsPerEvent)} bits/event, ΔAUROC ${f(m.gainOverPsth.auroc)}`,
  ];
  return lines;
}

/** The summary a scientist reads first: size, baselines beside every figure, warnings. */
export function summaryTable(model: ReducedModel): string {
  const m = model.metrics;
  const lines = [
    `reduced model: ${model.spec.structure}, ${model.layout.groups.length} group(s) [${model.layout.groups.join('; ')}], ${model.fit.parameters} parameters, family ${model.spec.family}`,
    `fit: ${model.fit.solver}, ${model.fit.iterations} iterations${model.fit.alternations ? `, ${model.fit.alternations} alternations` : ''}, ${model.fit.converged ? 'converged' : 'NOT converged'}, ${model.fit.rows} training bins`,
    ...block('train', m.train),
    ...block(m.testKind === 'kfold' ? `test (${m.folds}-fold out-of-fold)` : 'test (held-out trials)', m.test),
    `fixed bins for trial-to-trial AUROC: ${m.fixedBins.join(', ')}`,
  ];
  if (m.coincidence) lines.push(`coincidence factor Γ (±${m.coincidence.deltaBins} bins, simulated vs recorded, test trials): ${f(m.coincidence.gamma)}`);
  for (const w of model.fit.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
