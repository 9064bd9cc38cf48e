import type { Interval, ReducedModel } from '@occam/core';

/**
 * How a control comparison reads in a terminal: the selectivity with its interval and the control's own gains.
 * The comparison's warning is not part of it: commands print it to stderr (see controlWarningLines).
 */
export function controlText(model: ReducedModel, controlNote: string | null): string {
  const c = model.control;
  if (!c)
    return controlNote
      ? `control: ${controlNote}`
      : 'control: none run (--control none): no figure here can be told apart from what any network of this shape gives';
  const f = (i: Interval, digits: number) =>
    i.estimate === null
      ? '—'
      : `${i.estimate.toFixed(digits)}${i.low === null || i.high === null ? '' : ` [${i.low.toFixed(digits)}, ${i.high.toFixed(digits)}]`}`;
  const pct = Math.round(100 * c.bootstrap.level);
  const rate = (r: number | null) => (r === null ? '—' : r.toFixed(3));
  const lines = [
    `control: ${c.control.kind}${c.control.seed !== undefined ? ` (seed ${c.control.seed})` : ''}${c.control.source ? ` from ${c.control.source}` : ''} — same prompts, atoms, spec and held-out prompts`,
    `                                       trained model              control             selectivity (trained − control)`,
    `  gain over position baseline, bits/event  ${f(c.gains.system.bitsPerEvent, 3).padEnd(26)} ${f(c.gains.control.bitsPerEvent, 3).padEnd(26)} ${f(c.selectivity.bitsPerEvent, 3)}`,
    `  stratified AUROC − 0.5                   ${f(c.gains.system.stratifiedAuroc, 3).padEnd(26)} ${f(c.gains.control.stratifiedAuroc, 3).padEnd(26)} ${f(c.selectivity.stratifiedAuroc, 3)}`,
    `  behaviour rate (held-out positions)      ${rate(c.eventRate.system).padEnd(26)} ${rate(c.eventRate.control)}`,
    `  [${pct} % paired intervals: ${c.bootstrap.resamples} resamples of the ${c.bootstrap.trials} held-out prompts, seed ${c.bootstrap.seed}]`,
  ];
  return lines.join('\n');
}

/** The control comparison's warning, for stderr. */
export function controlWarningLines(model: ReducedModel): string[] {
  return model.control?.warning ? [`warning: ${model.control.warning}`] : [];
}
