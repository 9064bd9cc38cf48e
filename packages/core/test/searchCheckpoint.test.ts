import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandidateSchema, SpecSchema, type Candidate } from '@occam/core';
import { SearchCheckpoint } from '../src/search/searchCheckpoint.js';

const spec = SpecSchema.parse({ groupBy: [], temporal: { minLag: 0, maxLag: 2, basis: { kind: 'raw' } }, validation: { kind: 'kfold', folds: 3, seed: 0 } });
const metrics = { auroc: 0.8, psthAuroc: 0.7, llGainOverPsth: 0.12, trialToTrialAuroc: 0.6, stratifiedAuroc: 0.55, pseudoR2: 0.1 };
const candidate = (key: string, extra: Partial<Candidate> = {}): Candidate => ({
  key,
  levels: { 'lag window': 1 },
  spec,
  parameters: 4,
  familiesUsed: 1,
  metrics,
  foundBy: ['forward'],
  ...extra,
});
const fingerprint = 'f'.repeat(32);
const fresh = async () => join(await mkdtemp(join(tmpdir(), 'occam-ckpt-')), 'search.ckpt.jsonl');

describe('search checkpoint', () => {
  it('starts a missing file with its header and reads back what was appended, intervals included', async () => {
    const file = await fresh();
    const first = await SearchCheckpoint.open(file, fingerprint);
    expect(first.resumed).toEqual([]);
    expect(JSON.parse((await readFile(file, 'utf8')).split('\n')[0])).toEqual({ format: 'occam.search-checkpoint', fingerprint });
    const withIntervals = candidate('b', {
      intervals: {
        auroc: [0.7, 0.9],
        stratifiedAuroc: null,
        trialToTrialAuroc: [0.5, 0.7],
        logLikPerBin: [-0.3, -0.2],
        pseudoR2: [0.05, 0.15],
        accuracy: null,
        bitsPerEventOverPsth: [0.1, 0.14],
      },
    });
    await first.append(candidate('a'));
    await first.append(withIntervals);
    const again = await SearchCheckpoint.open(file, fingerprint);
    expect(again.resumed).toEqual([CandidateSchema.parse(candidate('a')), withIntervals]);
  });

  it('resumes a checkpoint written before candidates had intervals (the same line format)', async () => {
    const file = await fresh();
    // As the search wrote it before this module: header, then candidate lines without `intervals` or `stratifiedAuroc`.
    const { stratifiedAuroc: _, ...oldMetrics } = metrics;
    const old = { ...candidate('old'), metrics: oldMetrics };
    await writeFile(file, JSON.stringify({ format: 'occam.search-checkpoint', fingerprint }) + '\n' + JSON.stringify(old) + '\n');
    const opened = await SearchCheckpoint.open(file, fingerprint);
    expect(opened.resumed.map((c) => [c.key, c.intervals, c.metrics.stratifiedAuroc])).toEqual([['old', undefined, null]]);
  });

  it('drops a line torn by a stop mid-write, and appends after the last whole line', async () => {
    const file = await fresh();
    const ckpt = await SearchCheckpoint.open(file, fingerprint);
    await ckpt.append(candidate('a'));
    await appendFile(file, JSON.stringify(candidate('b')).slice(0, 40));
    const resumed = await SearchCheckpoint.open(file, fingerprint);
    expect(resumed.resumed.map((c) => c.key)).toEqual(['a']);
    await resumed.append(candidate('c'));
    expect((await SearchCheckpoint.open(file, fingerprint)).resumed.map((c) => c.key)).toEqual(['a', 'c']);
  });

  it('ends a whole last line that lost only its newline before appending', async () => {
    const file = await fresh();
    await writeFile(file, JSON.stringify({ format: 'occam.search-checkpoint', fingerprint }) + '\n' + JSON.stringify(candidate('a')));
    const ckpt = await SearchCheckpoint.open(file, fingerprint);
    await ckpt.append(candidate('b'));
    expect((await SearchCheckpoint.open(file, fingerprint)).resumed.map((c) => c.key)).toEqual(['a', 'b']);
  });

  it('names the option a checkpoint was written for that this search changes', async () => {
    const file = await fresh();
    const scoring = { family: 'bernoulli', ridge: 1, folds: 3, maxLag: 40, fitRevision: 3, dataset: 'abc' };
    await SearchCheckpoint.open(file, 'f'.repeat(32), scoring);
    await expect(SearchCheckpoint.open(file, 'e'.repeat(32), { ...scoring, maxLag: 80 })).rejects.toThrow(
      /search\.ckpt\.jsonl: written for another search: maxLag 40 \(this search: 80\); delete it, name another checkpoint, or search with its options/,
    );
    await expect(SearchCheckpoint.open(file, 'e'.repeat(32), { ...scoring, dataset: 'abd' })).rejects.toThrow(
      /written for another search: the dataset \(its bytes differ\)/,
    );
  });

  it('refuses another search, a file that is not a checkpoint, and a damaged line that is not the last', async () => {
    const file = await fresh();
    await SearchCheckpoint.open(file, fingerprint);
    await expect(SearchCheckpoint.open(file, 'e'.repeat(32))).rejects.toThrow(
      /written for another dataset, other scoring options .* or by an occam that fits candidates differently/,
    );
    const other = await fresh();
    await writeFile(other, '\n{"format": "occam.search"}\n');
    await expect(SearchCheckpoint.open(other, fingerprint)).rejects.toThrow(/search\.ckpt\.jsonl:2: not a search checkpoint \(no header line\)/);
    const damaged = await fresh();
    await writeFile(damaged, JSON.stringify({ format: 'occam.search-checkpoint', fingerprint }) + '\n{"key": 1}\n' + JSON.stringify(candidate('a')) + '\n');
    await expect(SearchCheckpoint.open(damaged, fingerprint)).rejects.toThrow(
      /search\.ckpt\.jsonl:2: not a search checkpoint line; delete the file to start over/,
    );
  });
});
