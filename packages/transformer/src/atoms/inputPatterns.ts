import { readFile } from 'node:fs/promises';
import { OccamError, type Atom } from '@occam/core';
import type { ResolvedBehaviour } from '../behaviour/resolveBehaviour.js';
import type { LmTokenizer } from '../model-dir/lmTokenizer.js';
import type { InputPatternFeature, InputPatterns } from './schema.js';

/**
 * Input-pattern atoms: what the prompt alone says at a position, no activations. A pattern such as "the
 * token k back equals the next token" depends on the pair (t−k, t+1), so each feature is one atom per
 * offset k, evaluated at position t (used at lag 0 in a spec; the offset is the numeric attribute `offset`).
 * Under a stochastic copy task (x_i = x_{i−L} with probability p), `matches-next` at offset L − 1 is 1
 * exactly where the next token is copyable.
 */
export interface ResolvedInputPatterns {
  maxOffset: number;
  features: InputPatternFeature[];
  bosId: number | null;
  delimiters: Set<number>;
  /** Class names (sorted) and each token's class index. */
  classNames: string[];
  classOf: Map<number, number>;
}

/** One input-pattern atom: which feature, at which offset (class index for token-class). */
interface PatternAtom {
  feature: InputPatternFeature;
  offset: number;
  cls: number;
}

const DEFAULT_FEATURES: InputPatternFeature[] = ['matches-next', 'matches-current', 'occurred-before', 'is-bos', 'position'];

function resolveToken(ref: string | number, tokenizer: LmTokenizer, vocabSize: number, where: string): number {
  const id = typeof ref === 'number' ? ref : (tokenizer.tokenId(ref) ?? (/^\d+$/.test(ref) ? Number(ref) : null));
  if (id === null || id >= vocabSize) {
    throw new OccamError(`${where}: '${ref}' is not a single token of this model (vocabulary size ${vocabSize}); give a vocabulary string or a token id`, {
      field: where,
    });
  }
  return id;
}

/**
 * Resolve the selection's input patterns against a tokenizer: delimiter tokens to ids, the token-class map
 * (an object, or a JSON file `{ "token": "class", … }`) to ids, and the default feature list. Errors name the
 * file and the token.
 */
export async function resolveInputPatterns(config: InputPatterns, tokenizer: LmTokenizer, vocabSize: number): Promise<ResolvedInputPatterns> {
  const delimiters = new Set<number>();
  config.delimiters?.forEach((d, i) => delimiters.add(resolveToken(d, tokenizer, vocabSize, `atoms.inputPatterns.delimiters.${i}`)));
  let map: Record<string, string> | null = null;
  let mapWhere = 'atoms.inputPatterns.tokenClasses';
  if (typeof config.tokenClasses === 'string') {
    const file = config.tokenClasses;
    mapWhere = file;
    const text = await readFile(file, 'utf8').catch(() => {
      throw new OccamError(`${file}: token-class map not found (atoms.inputPatterns.tokenClasses names a JSON file {"token": "class", …})`, { file });
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new OccamError(`${file}: not valid JSON (${(error as Error).message}); expected {"token": "class", …}`, { file });
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string' || v === '')) {
      throw new OccamError(`${file}: expected one object mapping each token (a vocabulary string or id) to a class name (a non-empty string)`, { file });
    }
    map = parsed as Record<string, string>;
  } else if (config.tokenClasses) map = config.tokenClasses;
  const classNames = map ? [...new Set(Object.values(map))].sort() : [];
  const classOf = new Map<number, number>();
  if (map) {
    for (const [token, cls] of Object.entries(map)) {
      const id = resolveToken(token, tokenizer, vocabSize, `${mapWhere}: token`);
      const prev = classOf.get(id);
      const c = classNames.indexOf(cls);
      if (prev !== undefined && prev !== c)
        throw new OccamError(`${mapWhere}: token '${token}' (id ${id}) is given two classes, '${classNames[prev]}' and '${cls}'`, { file: mapWhere });
      classOf.set(id, c);
    }
  }
  // is-bos is left out of the defaults for a tokenizer without a BOS token (it would be 0 everywhere)
  const defaults = DEFAULT_FEATURES.filter((f) => f !== 'is-bos' || tokenizer.bosId !== null);
  let features = config.features ?? [
    ...defaults,
    ...(delimiters.size ? (['is-delimiter'] as const) : []),
    ...(classNames.length ? (['token-class'] as const) : []),
  ];
  features = [...new Set(features)];
  if (features.includes('is-delimiter') && delimiters.size === 0)
    throw new OccamError('atoms.inputPatterns: is-delimiter needs a delimiter token list (atoms.inputPatterns.delimiters)', {
      field: 'atoms.inputPatterns.delimiters',
    });
  if (features.includes('is-bos') && tokenizer.bosId === null)
    throw new OccamError('atoms.inputPatterns: is-bos needs a tokenizer with a BOS token; this one has none', { field: 'atoms.inputPatterns.features' });
  if (features.includes('token-class') && classNames.length === 0)
    throw new OccamError('atoms.inputPatterns: token-class needs a token-class map (atoms.inputPatterns.tokenClasses)', {
      field: 'atoms.inputPatterns.tokenClasses',
    });
  return { maxOffset: config.maxOffset, features, bosId: tokenizer.bosId, delimiters, classNames, classOf };
}

function patternAtoms(p: ResolvedInputPatterns): PatternAtom[] {
  const out: PatternAtom[] = [];
  for (const feature of p.features) {
    if (feature === 'position') out.push({ feature, offset: 0, cls: -1 });
    else if (feature === 'token-class')
      p.classNames.forEach((_, c) => {
        for (let k = 0; k <= p.maxOffset; k++) out.push({ feature, offset: k, cls: c });
      });
    else for (let k = feature === 'matches-current' ? 1 : 0; k <= p.maxOffset; k++) out.push({ feature, offset: k, cls: -1 });
  }
  return out;
}

/** The atoms, in column order: ids `input.<feature>.<k>` (`input.position`), component 'input-pattern', numeric `offset`. */
export function inputPatternAtoms(p: ResolvedInputPatterns): Atom[] {
  return patternAtoms(p).map(({ feature, offset, cls }) => {
    const name = feature === 'token-class' ? `token-class:${p.classNames[cls]}` : feature;
    return {
      id: feature === 'position' ? 'input.position' : `input.${name}.${offset}`,
      attributes: { component: 'input-pattern', layer: -1, head: -1, sign: 'none', feature: name, offset, readsReadout: 'no' },
    };
  });
}

/**
 * The behaviour's answer token at each position, −1 where there is none: the target token for
 * target-top1, otherwise the prompt's next token (t + 1; none at the last position). For
 * next-token-correct both are the same token.
 */
export function answerTokens(behaviour: ResolvedBehaviour, tokens: number[]): Int32Array {
  const out = new Int32Array(tokens.length).fill(-1);
  for (let t = 0; t < tokens.length; t++) {
    if (behaviour.spec.kind === 'target-top1') {
      const d = behaviour.direction(tokens, t);
      if (d && d.terms.length === 1) out[t] = d.terms[0][0];
    } else if (t + 1 < tokens.length) out[t] = tokens[t + 1];
  }
  return out;
}

/**
 * Every input-pattern atom's value at each position of one prompt (one Float32Array per atom, in the order
 * of inputPatternAtoms). Offsets reaching before the prompt's start give 0. Pure: the prompt's tokens and
 * the answer token per position (answerTokens) only.
 */
export function inputPatternColumns(p: ResolvedInputPatterns, tokens: number[], answers: Int32Array): Float32Array[] {
  const n = tokens.length;
  // seenBefore[i] = tokens[i] occurred at some position < i
  const seenBefore = new Uint8Array(n);
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    if (seen.has(tokens[i])) seenBefore[i] = 1;
    seen.add(tokens[i]);
  }
  return patternAtoms(p).map(({ feature, offset: k, cls }) => {
    const col = new Float32Array(n);
    if (feature === 'position') {
      for (let t = 0; t < n; t++) col[t] = t;
      return col;
    }
    for (let t = k; t < n; t++) {
      const tok = tokens[t - k];
      let v = false;
      switch (feature) {
        case 'matches-next':
          v = answers[t] >= 0 && tok === answers[t];
          break;
        case 'matches-current':
          v = tok === tokens[t];
          break;
        case 'occurred-before':
          v = seenBefore[t - k] === 1;
          break;
        case 'is-bos':
          v = p.bosId !== null && tok === p.bosId;
          break;
        case 'is-delimiter':
          v = p.delimiters.has(tok);
          break;
        case 'token-class':
          v = p.classOf.get(tok) === cls;
          break;
      }
      if (v) col[t] = 1;
    }
    return col;
  });
}
