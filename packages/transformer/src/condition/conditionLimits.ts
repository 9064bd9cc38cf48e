import { formatBytes, OccamError } from '@occam/core';
import type { Condition } from './schema.js';

/**
 * Bounds on a condition, so a typo (`"count": 1e9`) or a hostile file fails at once with a message
 * rather than filling memory: the bytes of one input file (prompts, word list, text, condition) and
 * the tokens of all prompts together. 1 M tokens is 80× the bundled examples and already a ~0.8 GB
 * Dataset with 200 atoms; 4 MiB of natural text tokenises to ~1 M tokens using ~250 MB (the tokenizer
 * holds ~60× the text while it runs). Raised per run with the environment variables below, like core's
 * OCCAM_MAX_* limits.
 */
export interface ConditionLimits {
  /** `OCCAM_MAX_PROMPT_FILE_BYTES` */
  maxInputBytes: number;
  /** `OCCAM_MAX_PROMPT_TOKENS` */
  maxTokens: number;
}

export const DEFAULT_CONDITION_LIMITS: Readonly<ConditionLimits> = Object.freeze({ maxInputBytes: 4 * 1024 ** 2, maxTokens: 1_000_000 });
export const CONDITION_LIMIT_ENV = Object.freeze({ maxInputBytes: 'OCCAM_MAX_PROMPT_FILE_BYTES', maxTokens: 'OCCAM_MAX_PROMPT_TOKENS' });

/** The limits in force: defaults, then the environment ("64M" / "2G" for bytes, a whole number for tokens). */
export function conditionLimits(): ConditionLimits {
  const out = { ...DEFAULT_CONDITION_LIMITS };
  for (const key of ['maxInputBytes', 'maxTokens'] as const) {
    const name = CONDITION_LIMIT_ENV[key];
    const text = process.env[name];
    if (text === undefined || text === '') continue;
    const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$/i.exec(text);
    const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m?.[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g'];
    const value = m ? Math.floor(Number(m[1]) * scale) : NaN;
    if (!m || (key === 'maxTokens' && m[2]) || !(value >= 1)) {
      throw new OccamError(
        `environment variable ${name}=${JSON.stringify(text)} is not a valid limit: expected a positive ${key === 'maxTokens' ? 'whole number' : 'size in bytes (e.g. 64M)'}`,
        { field: name },
      );
    }
    out[key] = value;
  }
  return out;
}

export const describeInputLimit = (limits: ConditionLimits) =>
  `${formatBytes(limits.maxInputBytes)} limit for condition inputs (raise it with ${CONDITION_LIMIT_ENV.maxInputBytes})`;

/**
 * Tokens a generated condition will make, known before generating (null for templates and files,
 * whose prompts are counted as they are read): refused when over the limit.
 */
export function checkPlannedTokens(c: Condition, limits: ConditionLimits, where: string): void {
  const lead = 'bos' in c && c.bos ? 1 : 0;
  let planned: number | null = null;
  let what = '';
  if (c.kind === 'repeated-random') [planned, what] = [c.count * (c.period * c.repeats + lead), `${c.count} prompts × ${c.period * c.repeats + lead} tokens`];
  else if (c.kind === 'stochastic-copy' || c.kind === 'periodic-corrupted')
    [planned, what] = [c.count * (c.length + lead), `${c.count} prompts × ${c.length + lead} tokens`];
  else if (c.kind === 'template' || c.kind === 'mixture') [planned, what] = [c.count * (c.kind === 'template' ? 1 + lead : 1), `${c.count} prompts`];
  else if (c.kind === 'natural-text' && c.count !== undefined) [planned, what] = [c.count * c.windowTokens, `${c.count} windows × ${c.windowTokens} tokens`];
  if (planned !== null && planned > limits.maxTokens) {
    throw new OccamError(
      `${where}: ${what} is more than the ${limits.maxTokens} prompt tokens allowed in one condition (raise it with ${CONDITION_LIMIT_ENV.maxTokens}, or lower count)`,
      { field: 'count' },
    );
  }
}

/** All prompts together within the token limit (files and templates, counted once read). */
export function checkTotalTokens(total: number, limits: ConditionLimits, where: string): void {
  if (total > limits.maxTokens) {
    throw new OccamError(
      `${where}: the prompts have ${total} tokens, more than the ${limits.maxTokens} allowed in one condition (raise it with ${CONDITION_LIMIT_ENV.maxTokens}, or use fewer prompts)`,
    );
  }
}
