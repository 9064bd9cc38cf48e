import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localExecutor, writeDataset } from '@occam/core';
import {
  EXTRACT_SHARD_TASK,
  extractDataset,
  extractDatasetTo,
  extractShardTask,
  LanguageModel,
  loadCondition,
  runLmExtract,
  runShardedExtract,
  type PromptSet,
} from '@occam/transformer';
import { tinyLlama } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'occam-transformer-stream-'));
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The files of two Dataset folders, compared byte for byte; returns the names compared. */
function sameBytes(a: string, b: string): string[] {
  const names = readdirSync(a).sort();
  expect(readdirSync(b).sort()).toEqual(names);
  for (const name of names) expect(readFileSync(join(b, name)).equals(readFileSync(join(a, name))), name).toBe(true);
  return names;
}

// prompts of different lengths (bins past a prompt's end are padding) and mixture labels (per-trial metadata)
const prompts = join(dir, 'prompts.jsonl');
const mixture = join(dir, 'mixture.json');
writeFileSync(
  prompts,
  Array.from({ length: 13 }, (_, i) =>
    JSON.stringify({ id: `p${i}`, tokens: [1, ...Array.from({ length: 3 + ((i * 5) % 9) }, (_, t) => 2 + ((i * 7 + t * 3) % 20))] }),
  ).join('\n') + '\n',
);
writeFileSync(
  mixture,
  JSON.stringify({
    kind: 'mixture',
    count: 20,
    seed: 5,
    components: [
      { label: 'copy', weight: 1, condition: { kind: 'stochastic-copy', lag: 3, copyProbability: 0.6, length: 13 } },
      { label: 'induction', weight: 1, condition: { kind: 'repeated-random', period: 4 } },
    ],
  }),
);

describe('extractDatasetTo: the Dataset streamed to disk batch by batch', () => {
  let model: LanguageModel;
  let sets: Record<string, PromptSet>;
  beforeAll(async () => {
    model = await LanguageModel.load(tinyLlama, { threads: 1 });
    const load = (c: string) => loadCondition(c, { size: model.vocabSize, tokenizer: model.tokenizer });
    sets = { prompts: await load(prompts), mixture: await load(mixture) };
  });
  afterAll(async () => {
    await model.dispose();
  });

  const cases = [
    { name: 'prompts', behaviour: { kind: 'next-token-correct' as const }, options: { batchSize: 4 } },
    { name: 'mixture', behaviour: { kind: 'logit-diff' as const, tokens: ['w1', 'w2'] }, options: { batchSize: 3, padding: 'left' as const } },
    { name: 'prompts', behaviour: { kind: 'next-token-correct' as const }, options: { batchTokens: 40, atomsInGraph: false } },
  ];
  for (const c of cases)
    for (const compress of [false, true])
      it(`writes the bytes writeDataset writes for the in-memory Dataset (${c.name}, ${c.behaviour.kind}, ${JSON.stringify(c.options)}${compress ? ', gzip' : ''})`, async () => {
        const tag = `${c.name}-${c.behaviour.kind}-${Object.keys(c.options).join('')}-${compress}`;
        const whole = await extractDataset(model, sets[c.name], c.behaviour, c.options);
        await writeDataset(join(dir, `whole-${tag}`), whole.dataset, { compress });
        const streamed = await extractDatasetTo(join(dir, `streamed-${tag}`), model, sets[c.name], c.behaviour, { ...c.options, compress });
        expect(sameBytes(join(dir, `whole-${tag}`), join(dir, `streamed-${tag}`))).toHaveLength(4);
        expect(whole.summary.batches).toBeGreaterThan(1);
        const { seconds: _a, peakRssBytes: _b, ...same } = whole.summary;
        expect(streamed.summary).toMatchObject(same);
        expect(streamed.manifest).toEqual(whole.dataset.manifest);
      });

  it('a behaviour defined nowhere fails after the passes and leaves no output', async () => {
    const out = join(dir, 'nothing-scored');
    // a single-token prompt has no next token: nothing is scored
    const one = { ...sets.prompts, prompts: [{ ...sets.prompts.prompts[0], tokens: [1], scored: [0] }] };
    await expect(extractDatasetTo(out, model, one, { kind: 'next-token-correct' })).rejects.toThrow(/no scored positions/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('sharded extraction streams the shards into the unsharded bytes', () => {
  for (const [condition, batchSize] of [
    [prompts, 2],
    [mixture, 3],
  ] as const)
    it(`${condition.endsWith('.jsonl') ? 'prompts of different lengths' : 'a labelled mixture'}: 3 shards on the local executor = one run`, async () => {
      const tag = condition.endsWith('.jsonl') ? 'jsonl' : 'mixture';
      const args = { model: tinyLlama, condition, behaviour: 'next-token-correct', batchSize, threads: 1 };
      const local = join(dir, `local-${tag}`);
      const sharded = join(dir, `sharded-${tag}`);
      const one = await runLmExtract({ ...args, out: local });
      const r = await runShardedExtract({
        ...args,
        out: sharded,
        executor: localExecutor({ [EXTRACT_SHARD_TASK]: extractShardTask }),
        work: join(dir, `work-${tag}`),
        shards: 3,
      });
      expect(r.shards).toBe(3);
      expect(sameBytes(local, sharded)).toEqual(['inputs.npy', 'manifest.json', 'scored.npy', 'target.npy']);
      expect({ scoredBins: r.scoredBins, events: r.events, bins: r.bins }).toEqual({ scoredBins: one.scoredBins, events: one.events, bins: one.bins });
    });
});
