import { describe, expect, it } from 'vitest';
import { answerReadingWarning } from '@occam/core';

const iv = (estimate: number, low: number, high: number) => ({ estimate, low, high });

describe('answerReadingWarning', () => {
  it('warns when the control reaches half the gain and its own gain is above 0 with its interval', () => {
    const w = answerReadingWarning(
      'random-weights',
      { bitsPerEvent: 0.6, stratifiedAuroc: 1.11 },
      { bitsPerEvent: iv(0.6, 0.2, 0.9), stratifiedAuroc: iv(0.49, 0.48, 0.5) },
    );
    expect(w).toBe(
      'the random-weights control reaches 60 % of the gain in bits/event and 111 % of the gain in stratified AUROC: these atoms predict the behaviour whatever the weights — they probably read the answer',
    );
  });

  it('stays quiet when the control’s share is high but its gain’s interval holds 0 (an uncertain control is not a predicting one)', () => {
    // the induction model's bits/event row: control 0.116 [−0.186, 0.397], 54 % of the model's 0.216
    expect(
      answerReadingWarning(
        'random-weights',
        { bitsPerEvent: 0.54, stratifiedAuroc: 0.08 },
        { bitsPerEvent: iv(0.116, -0.186, 0.397), stratifiedAuroc: iv(0.03, -0.1, 0.14) },
      ),
    ).toBeNull();
  });

  it('stays quiet below half the gain, however sure the control is', () => {
    expect(
      answerReadingWarning('random-weights', { bitsPerEvent: 0.3, stratifiedAuroc: null }, { bitsPerEvent: iv(0.3, 0.2, 0.4), stratifiedAuroc: iv(0, 0, 0) }),
    ).toBeNull();
  });

  it('names only the figures that qualify', () => {
    const w = answerReadingWarning(
      'random-weights',
      { bitsPerEvent: 0.7, stratifiedAuroc: 0.9 },
      { bitsPerEvent: iv(0.7, -0.05, 1.4), stratifiedAuroc: iv(0.4, 0.3, 0.5) },
    );
    expect(w).toMatch(/reaches 90 % of the gain in stratified AUROC: /);
    expect(w).not.toMatch(/bits\/event/);
  });
});
