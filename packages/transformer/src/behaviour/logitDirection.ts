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

/** One frozen direction object per token id, so that per-position lookups allocate nothing (bounded like the vector caches). */
const tokenDirections = new Map<number, LogitDirection>();
const TOKEN_DIRECTION_LIMIT = 1 << 16;

/** logit(token) − mean logit. The same (frozen) object is returned for the same token id. */
export function tokenDirection(token: number): LogitDirection {
  let d = tokenDirections.get(token);
  if (d) return d;
  if (tokenDirections.size >= TOKEN_DIRECTION_LIMIT) tokenDirections.clear();
  const term: [number, number] = Object.freeze([token, 1]) as [number, number];
  d = Object.freeze({ key: `tok:${token}`, terms: Object.freeze([term]) as [number, number][], centred: true });
  tokenDirections.set(token, d);
  return d;
}

export function differenceDirection(a: number, b: number): LogitDirection {
  return {
    key: `diff:${a}:${b}`,
    terms: [
      [a, 1],
      [b, -1],
    ],
    centred: false,
  };
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
