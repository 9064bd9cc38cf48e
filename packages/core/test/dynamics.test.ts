import { describe, expect, it } from 'vitest';
import { detectChangePoint, mulberry32, piecewiseLinearChange, steepestChange } from '@occam/core';

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

describe('steepestChange and piecewiseLinearChange', () => {
  const steps = [0, 400, 800, 1200, 1500, 1800, 2000, 2200, 2500]; // uneven spacing, as checkpoints are
  it('locate a smooth sigmoid rise by its fastest point and its onset', () => {
    const rise = steps.map((s) => 0.2 + 0.7 / (1 + Math.exp(-(s - 2000) / 150)));
    expect(steepestChange(steps, rise)!.step).toBe(2000);
    const bend = piecewiseLinearChange(steps, rise)!;
    expect(bend).not.toBeNull();
    expect(bend.step).toBeGreaterThanOrEqual(1200);
    expect(bend.step).toBeLessThanOrEqual(2000);
    expect(bend.slopeAfter).toBeGreaterThan(bend.slopeBefore);
    expect(bend.pValue).toBeLessThan(0.05);
  });
  it('find no bend in noisy straight lines at the stated 5 % rate, and no steepest point in a constant', () => {
    const rand = mulberry32(4);
    let bends = 0;
    for (let k = 0; k < 40; k++) {
      const line = steps.map((s) => 0.1 + s * 1e-4 + 0.02 * (rand() - 0.5));
      if (piecewiseLinearChange(steps, line, { draws: 199, seed: k })) bends++;
    }
    expect(bends).toBeLessThanOrEqual(6); // 5 % of 40 is 2; binomial 99.9 % bound ≈ 7
    expect(
      steepestChange(
        steps,
        steps.map(() => 0.5),
      ),
    ).toBeNull();
  });
});
