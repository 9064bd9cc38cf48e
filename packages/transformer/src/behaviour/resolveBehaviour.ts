import { OccamError, zodProblem } from '@occam/core';
import type { LmTokenizer } from '../model-dir/lmTokenizer.js';
import { differenceDirection, tokenDirection, type LogitDirection } from './logitDirection.js';
import { BehaviourSchema, type Behaviour, type BehaviourInput } from './schema.js';

/** What a behaviour sees at one token position. */
export interface PositionContext {
  tokens: number[];
  t: number;
  /** The position's logits over the vocabulary. */
  logits: Float32Array;
  /** The position's vector of a hook (flattened over the axes after batch and position). */
  hook(name: string): Float32Array;
}

/** A behaviour with its tokens resolved to ids: how to score a position and which logit direction it reads. */
export interface ResolvedBehaviour {
  spec: Behaviour;
  /** Short label, e.g. 'next-token-correct' or 'logit-diff(t3,t7)'. */
  label: string;
  targetKind: 'binary' | 'real';
  /** Hooks the behaviour itself reads (besides the logits). */
  hooks: string[];
  /** The behaviour's value at a position, or null where it is undefined (no next token). */
  evaluate(ctx: PositionContext): number | null;
  /** The logit direction direct effects are measured on at position t, or null (not a logit behaviour). */
  direction(tokens: number[], t: number): LogitDirection | null;
}

function argmax(v: Float32Array): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

function tokenIdOf(ref: string | number, tokenizer: LmTokenizer, vocabSize: number, field: string): number {
  const id = typeof ref === 'number' ? ref : tokenizer.tokenId(ref);
  if (id === null || id >= vocabSize)
    throw new OccamError(`behaviour: ${field} '${ref}' is not a token of this model (vocabulary size ${vocabSize})`, { field });
  return id;
}

export function resolveBehaviour(input: BehaviourInput | Behaviour, tokenizer: LmTokenizer, vocabSize: number, file = 'behaviour'): ResolvedBehaviour {
  const parsed = BehaviourSchema.safeParse(input);
  if (!parsed.success) throw zodProblem(file, parsed.error);
  const spec = parsed.data;
  switch (spec.kind) {
    case 'next-token-correct':
      return {
        spec,
        label: 'next-token-correct',
        targetKind: 'binary',
        hooks: [],
        evaluate: ({ tokens, t, logits }) => (t + 1 < tokens.length ? (argmax(logits) === tokens[t + 1] ? 1 : 0) : null),
        direction: (tokens, t) => (t + 1 < tokens.length ? tokenDirection(tokens[t + 1]) : null),
      };
    case 'target-top1': {
      const id = tokenIdOf(spec.token, tokenizer, vocabSize, 'token');
      return {
        spec,
        label: `target-top1(${spec.token})`,
        targetKind: 'binary',
        hooks: [],
        evaluate: ({ logits }) => (argmax(logits) === id ? 1 : 0),
        direction: () => tokenDirection(id),
      };
    }
    case 'logit-diff': {
      const a = tokenIdOf(spec.tokens[0], tokenizer, vocabSize, 'tokens.0');
      const b = tokenIdOf(spec.tokens[1], tokenizer, vocabSize, 'tokens.1');
      return {
        spec,
        label: `logit-diff(${spec.tokens[0]},${spec.tokens[1]})`,
        targetKind: 'real',
        hooks: [],
        evaluate: ({ logits }) => logits[a] - logits[b],
        direction: () => differenceDirection(a, b),
      };
    }
    case 'unit-above':
      return {
        spec,
        label: `unit-above(${spec.hook}[${spec.unit}]>${spec.threshold})`,
        targetKind: 'binary',
        hooks: [spec.hook],
        evaluate: (ctx) => {
          const v = ctx.hook(spec.hook);
          if (spec.unit >= v.length)
            throw new OccamError(`behaviour: unit ${spec.unit} is beyond ${spec.hook}'s ${v.length} values per position`, { field: 'unit' });
          return v[spec.unit] > spec.threshold ? 1 : 0;
        },
        direction: () => null,
      };
  }
}

/**
 * Parse the CLI's --behaviour: `next-token-correct`, `target-top1:TOKEN`, `logit-diff:A,B`,
 * `unit-above:HOOK:UNIT:THRESHOLD`, or inline JSON.
 */
export function parseBehaviourArg(arg: string): BehaviourInput {
  const s = arg.trim();
  if (s.startsWith('{')) {
    try {
      return JSON.parse(s);
    } catch (error) {
      throw new OccamError(`--behaviour: not valid JSON (${(error as Error).message})`, { field: 'behaviour' });
    }
  }
  const [kind, ...rest] = s.split(':');
  const arg1 = rest.join(':');
  switch (kind) {
    case 'next-token-correct':
      return { kind };
    case 'target-top1':
      if (!arg1) break;
      return { kind, token: arg1 };
    case 'logit-diff': {
      const parts = arg1.split(',');
      if (parts.length !== 2 || !parts[0] || !parts[1]) break;
      return { kind, tokens: [parts[0], parts[1]] };
    }
    case 'unit-above': {
      const m = /^(.+):(\d+):(-?[\d.eE+-]+)$/.exec(arg1);
      if (!m) break;
      return { kind, hook: m[1], unit: Number(m[2]), threshold: Number(m[3]) };
    }
  }
  throw new OccamError(
    `--behaviour '${arg}': expected next-token-correct, target-top1:TOKEN, logit-diff:A,B, unit-above:HOOK:UNIT:THRESHOLD or a JSON object`,
    { field: 'behaviour' },
  );
}
