import { describe, expect, it } from 'vitest';
import { leaveOneOutText, slopeLeavingOneOut, slopeThroughOrigin } from '../src/intervention/outcomeText.js';

describe('slopeLeavingOneOut', () => {
  it('shows a slope that rests on one large intervention', () => {
    // one large intervention predicted right, three small ones predicted at twice their size
    const xs = [-0.6, 0.02, -0.02, 0.01];
    const ys = [-0.6, 0.01, -0.01, 0.005];
    const l = slopeLeavingOneOut(xs, ys, ['big', 'a', 'b', 'c'])!;
    expect(slopeThroughOrigin(xs, ys)).toBeCloseTo(0.9992, 3);
    expect(l.mostInfluential).toBe('big');
    expect(l.slopeWithout).toBeCloseTo(0.5, 10);
    expect(l.min).toBeCloseTo(0.5, 10);
    expect(l.max).toBeCloseTo(0.9993, 3);
    expect(leaveOneOutText(l)).toContain("without 'big': 0.50");
  });

  it('needs three interventions, and says nothing otherwise', () => {
    expect(slopeLeavingOneOut([1, 2], [1, 2], ['a', 'b'])).toBeNull();
    expect(leaveOneOutText(null)).toBe('');
  });
});

describe('slopeLeavingOneOut with negligible predictions', () => {
  it('says the slope rests on one intervention when the others predict almost nothing', () => {
    const l = slopeLeavingOneOut([3.9e-6, -0.586, -6.5e-7, -2e-7], [-0.595, -0.591, 0, 0], ['heads', 'source', 'control a', 'control b'])!;
    expect(l.mostInfluential).toBe('source');
    expect(l.slopeWithout).toBeNull();
    expect(leaveOneOutText(l)).toContain("the slope rests on 'source' alone");
  });
});
