/** Longest lag tried: prompts of thousands of tokens would otherwise cost lag × length comparisons each. */
const MAX_REPEAT_LAG = 256;

/**
 * What a prompt shows of its own structure, from its token ids alone (label-free, so a compose gate may
 * read it): `repeat-lag`, the lag at which most tokens equal the token that many places earlier (the
 * prompt's detected period; the smallest such lag on ties, 0 when no token repeats at any lag up to half
 * the prompt), and `repeat-share`, the share of positions at that lag whose token repeats (0 when none).
 * Counts rather than shares pick the lag, so a period P wins over its multiples 2P, 3P (which repeat at
 * fewer positions). The whole prompt is read, tokens after a scored position included: the features say
 * what kind of prompt this is, not what is known at one position.
 */
export function promptRepeatFeatures(tokens: readonly number[]): { lag: number; share: number } {
  const n = tokens.length;
  let bestLag = 0;
  let bestCount = 0;
  for (let lag = 1; lag <= Math.min(MAX_REPEAT_LAG, Math.floor(n / 2)); lag++) {
    let count = 0;
    for (let t = lag; t < n; t++) if (tokens[t] === tokens[t - lag]) count++;
    if (count > bestCount) {
      bestCount = count;
      bestLag = lag;
    }
  }
  return { lag: bestLag, share: bestLag === 0 ? 0 : bestCount / (n - bestLag) };
}

/** The Dataset's trialFeatures for a prompt set: one repeat-lag and repeat-share per prompt. */
export function promptTrialFeatures(prompts: readonly { tokens: readonly number[] }[]): Record<string, number[]> {
  const found = prompts.map((p) => promptRepeatFeatures(p.tokens));
  return { 'repeat-lag': found.map((f) => f.lag), 'repeat-share': found.map((f) => f.share) };
}
