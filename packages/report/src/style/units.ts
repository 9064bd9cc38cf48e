/**
 * Axis labels with units. A dataset's bin unit is 'ms', 's', 'token' or 'step'; lags and times are
 * reported in that unit (lag × binWidth), attributes in the unit their name implies.
 */
export function unitName(binUnit: string): string {
  return binUnit === 'token' ? 'tokens' : binUnit === 'step' ? 'steps' : binUnit;
}

/** x of a temporal filter: how long before the predicted bin an input arrived. */
export function lagAxisLabel(binUnit: string): string {
  if (binUnit === 'token') return 'token offset before the predicted token (tokens)';
  return `time before the predicted bin (${unitName(binUnit)})`;
}

/** x of the history filter: time since the system's own earlier output. */
export function historyAxisLabel(binUnit: string, targetName = 'output'): string {
  if (binUnit === 'token') return `tokens since an earlier ${targetName} (tokens)`;
  return `time since an earlier ${targetName} (${unitName(binUnit)})`;
}

/** x of traces over a trial. */
export function timeAxisLabel(binUnit: string): string {
  if (binUnit === 'token') return 'token position (tokens)';
  return `time (${unitName(binUnit)})`;
}

/** Known units of ordered atom attributes; anything else is labelled as a plain attribute value. */
const ATTRIBUTE_UNITS: Record<string, string> = {
  distance: 'µm',
  somadistance: 'µm',
  soma_distance: 'µm',
  pathdistance: 'µm',
  depth: 'µm',
  layer: 'layer index',
  offset: 'tokens',
  position: 'tokens',
};

export function attributeAxisLabel(attribute: string, units: Readonly<Record<string, string>> = {}): string {
  const unit = units[attribute] ?? ATTRIBUTE_UNITS[attribute.toLowerCase()];
  const name = attribute === 'distance' ? 'distance from soma' : attribute;
  return unit ? `${name} (${unit})` : `${name} (attribute value)`;
}

/**
 * y of input and history filters: what one input adds to the linear predictor. A language model's atoms are
 * real-valued (a component's contribution), so its weights are per unit of an atom's value.
 */
export function weightAxisLabel(link: string, binUnit = 'ms'): string {
  const per = binUnit === 'token' ? 'per unit of atom' : 'per input';
  if (link === 'logit') return `weight (Δ log-odds ${per})`;
  if (link === 'log') return `weight (Δ log-rate ${per})`;
  return `weight (Δ output ${per})`;
}

/** The linear predictor's name and unit. */
export function linearPredictorLabel(link: string): string {
  if (link === 'logit') return 'weighted net input (log-odds)';
  if (link === 'log') return 'weighted net input (log-rate)';
  return 'weighted net input (output units)';
}

/** y of predicted output per bin. */
export function outputAxisLabel(family: string, targetName: string, binWidth: number, binUnit: string): string {
  const bin = binUnit === 'token' ? 'token' : `${binWidth} ${unitName(binUnit)} bin`;
  if (family === 'bernoulli') return `P(${targetName}) per ${bin}`;
  if (family === 'poisson') return `${targetName} count per ${bin}`;
  return `${targetName} (per ${bin})`;
}
