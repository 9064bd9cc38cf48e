import { beforeAll, describe, expect, it } from 'vitest';
import { OccamError } from '@occam/core';
import { loadLmTokenizer, parseBehaviourArg, projectLogits, resolveBehaviour, tokenDirection, type LmTokenizer } from '@occam/transformer';
import { tinyLlama } from './fixtures.js';

let tok: LmTokenizer;
beforeAll(async () => {
  tok = await loadLmTokenizer(tinyLlama, {});
});

const logitsWithTop = (top: number, V = 24) => {
  const l = new Float32Array(V);
  l[top] = 5;
  l[3] = 1;
  return l;
};
const ctx = (tokens: number[], t: number, logits: Float32Array) => ({ tokens, t, logits, hook: () => new Float32Array([0.2, 0.9]) });

describe('behaviours', () => {
  it('next-token-correct is 1 where the top-1 prediction is the next prompt token, undefined at the end', () => {
    const b = resolveBehaviour({ kind: 'next-token-correct' }, tok, 24);
    expect(b.targetKind).toBe('binary');
    expect(b.evaluate(ctx([1, 5, 6], 0, logitsWithTop(5)))).toBe(1);
    expect(b.evaluate(ctx([1, 5, 6], 1, logitsWithTop(5)))).toBe(0);
    expect(b.evaluate(ctx([1, 5, 6], 2, logitsWithTop(6)))).toBeNull();
    expect(b.direction([1, 5, 6], 1)).toEqual(tokenDirection(6));
  });

  it('target-top1 and logit-diff resolve token names', () => {
    const t = resolveBehaviour({ kind: 'target-top1', token: 'w1' }, tok, 24);
    expect(t.evaluate(ctx([1], 0, logitsWithTop(5)))).toBe(1);
    const d = resolveBehaviour({ kind: 'logit-diff', tokens: ['w1', 'w0'] }, tok, 24);
    expect(d.targetKind).toBe('real');
    const l = logitsWithTop(5);
    expect(d.evaluate(ctx([1], 0, l))).toBe(5);
    expect(projectLogits(d.direction([1], 0)!, l)).toBe(5);
    expect(() => resolveBehaviour({ kind: 'target-top1', token: 'zz' }, tok, 24)).toThrow(OccamError);
  });

  it('unit-above thresholds a hook unit and has no logit direction', () => {
    const u = resolveBehaviour({ kind: 'unit-above', hook: 'blocks.0.mlp.hook_post', unit: 1, threshold: 0.5 }, tok, 24);
    expect(u.hooks).toEqual(['blocks.0.mlp.hook_post']);
    expect(u.evaluate(ctx([1], 0, logitsWithTop(5)))).toBe(1);
    expect(u.direction([1], 0)).toBeNull();
  });

  it('parses the CLI forms', () => {
    expect(parseBehaviourArg('next-token-correct')).toEqual({ kind: 'next-token-correct' });
    expect(parseBehaviourArg('target-top1:w3')).toEqual({ kind: 'target-top1', token: 'w3' });
    expect(parseBehaviourArg('logit-diff:w1,w2')).toEqual({ kind: 'logit-diff', tokens: ['w1', 'w2'] });
    expect(parseBehaviourArg('unit-above:blocks.1.mlp.hook_post:17:0.5')).toEqual({
      kind: 'unit-above',
      hook: 'blocks.1.mlp.hook_post',
      unit: 17,
      threshold: 0.5,
    });
    expect(parseBehaviourArg('{"kind":"target-top1","token":4}')).toEqual({ kind: 'target-top1', token: 4 });
    expect(() => parseBehaviourArg('logit-diff:w1')).toThrow(/expected next-token-correct/);
  });
});
