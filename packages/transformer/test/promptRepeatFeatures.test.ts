import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDataset } from '@occam/core';
import { runLmExtract } from '@occam/transformer';
import { promptRepeatFeatures } from '../src/extract/promptRepeatFeatures.js';
import { tinyLlama } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'occam-transformer-repeat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('promptRepeatFeatures', () => {
  it('finds the period of a repeated prompt, not a multiple of it', () => {
    // BOS + 5 tokens repeated 4 times: every token from position 6 on equals the one 5 back (15 of 16)
    const period = [11, 12, 13, 14, 15];
    const tokens = [1, ...period, ...period, ...period, ...period];
    expect(promptRepeatFeatures(tokens)).toEqual({ lag: 5, share: 15 / 16 });
  });

  it('reads a noisy copy at its lag, and says 0 for a prompt that never repeats', () => {
    // lag 3, copied at 4 of the 6 positions that could be copies
    const copy = [1, 20, 21, 22, 20, 30, 22, 20, 31, 22];
    expect(promptRepeatFeatures(copy)).toEqual({ lag: 3, share: 4 / 7 });
    expect(promptRepeatFeatures([1, 20, 21, 22, 23, 24, 25])).toEqual({ lag: 0, share: 0 });
    expect(promptRepeatFeatures([])).toEqual({ lag: 0, share: 0 });
  });

  it('an extracted Dataset carries each prompt’s repeat-lag and repeat-share in manifest.trialFeatures', async () => {
    const cond = join(dir, 'induction.json');
    writeFileSync(cond, JSON.stringify({ kind: 'repeated-random', period: 4, repeats: 3, count: 6, seed: 3 }));
    const out = join(dir, 'ds');
    await runLmExtract({ model: tinyLlama, condition: cond, behaviour: 'next-token-correct', out, batchSize: 4, threads: 1 });
    const m = (await readDataset(out)).manifest;
    expect(m.trialFeatures!['repeat-lag']).toEqual(new Array(6).fill(4));
    // BOS + 12 tokens: positions 5–12 repeat at lag 4 (8 of the 9 positions from 4 on)
    expect(m.trialFeatures!['repeat-share']).toEqual(new Array(6).fill(8 / 9));
  });
});
