/**
 * A direction in logit space: Σ coef · logit(token), minus the mean logit over the vocabulary when
 * `centred`. Its pull-back through the unembedding and the final norm gives the residual-stream
 * direction that direct effects are projected on.
 */
export interface LogitDirection {
  /** Stable key for caching the pulled-back vectors. */
  key: string;
  terms: [token: number, coef: number][];
  centred: boolean;
}

export function tokenDirection(token: number): LogitDirection {
  return { key: `tok:${token}`, terms: [[token, 1]], centred: true };
}

export function differenceDirection(a: number, b: number): LogitDirection {
  return { key: `diff:${a}:${b}`, terms: [[a, 1], [b, -1]], centred: false };
}

/** The direction's value on one position's logits. */
export function projectLogits(d: LogitDirection, logits: Float32Array): number {
  let v = 0;
  for (const [tok, coef] of d.terms) v += coef * logits[tok];
  if (d.centred) {
    let sum = 0;
    for (let i = 0; i < logits.length; i++) sum += logits[i];
    v -= (sum / logits.length) * d.terms.reduce((s, [, c]) => s + c, 0);
  }
  return v;
}
