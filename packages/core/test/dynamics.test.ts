import { describe, expect, it } from 'vitest';
import { detectChangePoint } from '@occam/core';

describe('detectChangePoint', () => {
  it('finds the step where a noisy metric jumps, and none in a flat sequence', () => {
    const steps = Array.from({ length: 12 }, (_, i) => i * 100);
    const jump = steps.map((s, i) => (s < 700 ? 0.02 : 0.9) + 0.01 * Math.sin(i * 7));
    const cp = detectChangePoint(steps, jump)!;
    expect(cp.step).toBe(700);
    expect(cp.after - cp.before).toBeGreaterThan(0.8);
    const flat = steps.map((_, i) => 0.5 + 0.01 * Math.sin(i * 7));
    expect(detectChangePoint(steps, flat)).toBeNull();
    expect(detectChangePoint([0, 1, 2], [0, 1, 1])).toBeNull();
  });
});
