import { z } from 'zod';
import { pairedBootstrap, type BootstrapOptions, type Interval } from '../bootstrap/bootstrapFigures.js';
import type { ScoredRows } from '../bootstrap/scoredRows.js';

const IntervalSchema = z.object({ estimate: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() });
const GainsSchema = z.object({
  /** Log-likelihood gain over the PSTH (position baseline), bits per event. */
  bitsPerEvent: IntervalSchema,
  /** Position-stratified AUROC − 0.5 (the PSTH scores exactly 0.5 there). */
  stratifiedAuroc: IntervalSchema,
});

/**
 * A system beside its control: the same extraction, spec and held-out trials for a system whose inputs
 * carry no learned computation (a language model with every weight tensor re-drawn, a user-given control
 * model). `selectivity` = gain(system) − gain(control), with paired intervals over trials (prompts): what the
 * atoms explain because of what the system learned, not because of what they are. A figure the control also
 * reaches is not a finding.
 */
export const ControlComparisonSchema = z.object({
  control: z.object({
    kind: z.string(),
    /** Where the control came from (a model folder) and its seed, when re-drawn. */
    source: z.string().optional(),
    seed: z.number().int().optional(),
    /** The control's extracted Dataset. */
    dataset: z.string().optional(),
  }),
  /** Held-out gains over the position baseline, each with its bootstrap interval. */
  gains: z.object({ system: GainsSchema, control: GainsSchema }),
  /** gain(system) − gain(control), paired over the same resampled trials. */
  selectivity: GainsSchema,
  /** Control gain ÷ system gain (null where the system gains nothing). */
  controlShare: z.object({ bitsPerEvent: z.number().nullable(), stratifiedAuroc: z.number().nullable() }),
  /** Set when the control reaches at least half the system's gain: the atoms predict the behaviour whatever the weights. */
  warning: z.string().nullable(),
  /** Behaviour rate of each on the held-out bins (a control may rarely show the behaviour at all). */
  eventRate: z.object({ system: z.number().nullable(), control: z.number().nullable() }),
  bootstrap: z.object({ trials: z.number().int(), resamples: z.number().int(), seed: z.number().int(), level: z.number() }),
});
export type ControlComparison = z.infer<typeof ControlComparisonSchema>;

/** The share of the system's gain at which the control's gain (above 0 with its interval) means "these atoms read the answer". */
export const CONTROL_WARNING_SHARE = 0.5;

const stratifiedGain = (i: Interval): Interval => ({
  estimate: i.estimate === null ? null : i.estimate - 0.5,
  low: i.low === null ? null : i.low - 0.5,
  high: i.high === null ? null : i.high - 0.5,
});

function share(control: number | null, system: number | null): number | null {
  if (control === null || system === null || !(system > 0)) return null;
  return control / system;
}

function eventRate(set: ScoredRows): number | null {
  if (set.rows.length === 0) return null;
  let events = 0;
  for (let k = 0; k < set.rows.length; k++) if (set.y[set.rows[k]] > 0) events++;
  return events / set.rows.length;
}

/**
 * The warning that the atoms read the answer: the control reaches at least CONTROL_WARNING_SHARE of the system's
 * gain in a figure *and* its own gain there lies above 0 with its interval. A control estimate at half the gain
 * whose interval holds 0 says only that the selectivity is uncertain, which the selectivity's interval shows.
 */
export function answerReadingWarning(
  kind: string,
  controlShare: Record<'bitsPerEvent' | 'stratifiedAuroc', number | null>,
  controlGains: Record<'bitsPerEvent' | 'stratifiedAuroc', Interval>,
): string | null {
  const high = (['bitsPerEvent', 'stratifiedAuroc'] as const).filter((k) => {
    const s = controlShare[k];
    return s !== null && s >= CONTROL_WARNING_SHARE && (controlGains[k].low ?? -Infinity) > 0;
  });
  if (high.length === 0) return null;
  const parts = high.map((k) => `${Math.round(100 * controlShare[k]!)} % of the gain in ${k === 'bitsPerEvent' ? 'bits/event' : 'stratified AUROC'}`);
  return `the ${kind} control reaches ${parts.join(' and ')}: these atoms predict the behaviour whatever the weights — they probably read the answer`;
}

/**
 * Compare a system's held-out predictions with its control's on the same trials (pairedBootstrap: one draw
 * of prompts scores both). The control's own behaviour is its own (a random network is rarely "correct").
 */
export function compareWithControl(
  system: ScoredRows,
  control: ScoredRows,
  about: ControlComparison['control'],
  options: BootstrapOptions = {},
): ControlComparison {
  const b = pairedBootstrap(system, control, options);
  const sys = { bitsPerEvent: b.a.model.bitsPerEventOverPsth, stratifiedAuroc: stratifiedGain(b.a.model.stratifiedAuroc) };
  const ctl = { bitsPerEvent: b.b.model.bitsPerEventOverPsth, stratifiedAuroc: stratifiedGain(b.b.model.stratifiedAuroc) };
  const selectivity = { bitsPerEvent: b.difference.bitsPerEventOverPsth, stratifiedAuroc: b.difference.stratifiedAuroc };
  const controlShare = {
    bitsPerEvent: share(ctl.bitsPerEvent.estimate, sys.bitsPerEvent.estimate),
    stratifiedAuroc: share(ctl.stratifiedAuroc.estimate, sys.stratifiedAuroc.estimate),
  };
  const warning = answerReadingWarning(about.kind, controlShare, ctl);
  return {
    control: about,
    gains: { system: sys, control: ctl },
    selectivity,
    controlShare,
    warning,
    eventRate: { system: eventRate(system), control: eventRate(control) },
    bootstrap: { trials: b.trials, resamples: b.resamples, seed: b.seed, level: b.level },
  };
}
