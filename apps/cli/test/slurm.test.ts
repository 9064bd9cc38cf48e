import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fitReducedModel,
  neuronLikeAtoms,
  plantedDataset,
  readDataset,
  runSearch,
  slurmExecutor,
  type SpecInput,
  writeDataset,
  writeReducedModel,
} from '@occam/core';
import { runLmExtract, runShardedExtract } from '@occam/transformer';
import { modelsDir, tinyLlama } from '../../../packages/transformer/test/fixtures.js';
import { runCli } from './runCli.js';

// The fan-outs through a real SLURM (tools/slurm/start-local-cluster.sh; CI starts it): sharded runs must write the
// same bytes as the local unsharded ones, and a killed array task must be rerun alone. Skipped only where SLURM's
// client commands are not installed at all; installed but down is a failure that says how to start it.
const hasSinfo = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v sinfo'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasSinfo) console.warn('[slurm.test] SKIPPED: sinfo is not installed; run tools/slurm/start-local-cluster.sh (as root) to run these tests');

const killOnce = fileURLToPath(new URL('./slurmKillOnce.mjs', import.meta.url));

/** Every file of a Dataset folder the same bytes in both (`cmp`, as a user would check). */
function sameBytes(a: string, b: string): string[] {
  const files = readdirSync(a).sort();
  expect(readdirSync(b).sort()).toEqual(files);
  for (const f of files) execFileSync('cmp', [join(a, f), join(b, f)]);
  return files;
}

describe.skipIf(!hasSinfo)(hasSinfo ? 'SLURM executor on a real cluster' : 'SLURM executor — SKIPPED: sinfo is not installed', () => {
  let dir: string;
  beforeAll(async () => {
    const state = await promisify(execFile)('sinfo', ['-h', '-o', '%T']).catch((e: Error) => ({ stdout: '', stderr: e.message }));
    if (!/idle|mixed|allocated/.test(state.stdout))
      throw new Error(
        `SLURM is installed but no node is up (sinfo: ${state.stdout.trim() || state.stderr.trim()}): run tools/slurm/start-local-cluster.sh as root`,
      );
    dir = await mkdtemp(join(tmpdir(), 'occam-slurm-'));
    // prompts of different lengths (so shards differ in bins) and mixture labels (per-trial metadata)
    await writeFile(
      join(dir, 'prompts.jsonl'),
      Array.from({ length: 13 }, (_, i) =>
        JSON.stringify({ id: `p${i}`, tokens: [1, ...Array.from({ length: 3 + ((i * 5) % 9) }, (_, t) => 2 + ((i * 7 + t * 3) % 20))] }),
      ).join('\n') + '\n',
    );
    await writeFile(
      join(dir, 'mixture.json'),
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
  });

  for (const [condition, batching] of [
    ['prompts.jsonl', ['--batch-size', '2']],
    ['mixture.json', ['--batch-size', '3']],
  ] as const) {
    it(`lm extract --executor slurm --shards 3 (${condition}) writes the local unsharded run's Dataset, byte for byte`, async () => {
      const common = ['lm', 'extract', '--model', tinyLlama, '--condition', join(dir, condition), '--behaviour', 'next-token-correct', ...batching, '--quiet'];
      const local = join(dir, `${condition}.local`);
      const sharded = join(dir, `${condition}.slurm`);
      const work = join(dir, `${condition}.work`);
      expect((await runCli([...common, '--out', local])).code).toBe(0);
      const r = await runCli([...common, '--out', sharded, '--executor', 'slurm', '--shards', '3', '--work-dir', work, '--slurm-option=--time=00:10:00']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(sameBytes(local, sharded)).toEqual(['inputs.npy', 'manifest.json', 'scored.npy', 'target.npy']);
      // three shards ran as one array, each in its own SLURM task
      expect(readdirSync(join(work, 'results')).sort()).toEqual(['0.json', '1.json', '2.json']);
      expect(readdirSync(join(work, 'slurm')).filter((f) => f.endsWith('.out'))).toHaveLength(3);
    });
  }

  it('a killed array task is rerun alone, and the merged Dataset is still the local one', async () => {
    // batches cut by a token budget (extraction's default rule, with a budget that makes several passes)
    const args = { model: tinyLlama, condition: join(dir, 'prompts.jsonl'), behaviour: 'next-token-correct', batchTokens: 40 };
    const local = join(dir, 'tokens.local');
    const out = join(dir, 'killed.slurm');
    const work = join(dir, 'killed.work');
    const marker = join(dir, 'killed.marker');
    const log: string[] = [];
    const executor = slurmExecutor({
      cli: killOnce,
      pollMs: 500,
      env: { ...process.env, OCCAM_TEST_KILL_INDEX: '1', OCCAM_TEST_KILL_MARKER: marker },
      log: (line) => log.push(line),
    });
    await runLmExtract({ ...args, out: local });
    const result = await runShardedExtract({ ...args, out, executor, work, shards: 3 });
    expect(result.shards).toBe(3);
    expect(existsSync(marker)).toBe(true);
    const submitted = log.filter((l) => l.startsWith('submitted')).map((l) => /array (\S+)/.exec(l)![1]);
    expect(submitted).toEqual(['0-2', '1']);
    expect(log.some((l) => /task\(s\) without a result: 1$/.test(l))).toBe(true);
    sameBytes(local, out);
  });

  it("compare --executor slurm writes the local run's comparison, byte for byte", async () => {
    const spec: SpecInput = {
      groupBy: ['type'],
      spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 225, offset: 50 } },
      temporal: { minLag: 0, maxLag: 8, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 0, lastPeak: 5, offset: 1.5 } },
      history: { maxLag: 4, basis: { kind: 'raisedCosineLog', count: 2, firstPeak: 1, lastPeak: 3, offset: 1 } },
      regularization: { ridge: 1, smoothness: 0 },
    };
    const systems: string[] = [];
    for (const [k, w] of [0.1, 0.9, 0.5].entries()) {
      const truth = {
        intercept: -4,
        spatial: [
          [1, 0.4, w],
          [0.3, 0.8, 1],
        ],
        temporal: [
          [0.5, 0.9, 0.4],
          [-0.5, -0.7, -0.4],
        ],
        history: [-3, -1],
      };
      const { dataset } = plantedDataset({
        nTrials: 150,
        nBins: 30,
        seed: k + 1,
        spec,
        truth,
        atoms: neuronLikeAtoms(4),
        backgroundRate: 0.1,
        stimulusBin: 10,
        evokedRate: 0.8,
        scoredWindow: [8, 28],
      });
      await writeDataset(join(dir, `s${k}.ds`), dataset);
      await writeReducedModel(join(dir, `s${k}.model.json`), fitReducedModel(dataset, spec));
      systems.push('--system', `s${k}=${join(dir, `s${k}.model.json`)}@${join(dir, `s${k}.ds`)}`);
    }
    const common = ['compare', ...systems, '--resamples', '200', '--quiet'];
    expect((await runCli([...common, '--out', join(dir, 'compare.local.json')])).code).toBe(0);
    const r = await runCli([...common, '--out', join(dir, 'compare.slurm.json'), '--executor', 'slurm']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    execFileSync('cmp', [join(dir, 'compare.local.json'), join(dir, 'compare.slurm.json')]);
    // the default work folder beside --out is gone once the comparison is written
    expect(existsSync(join(dir, '.compare.slurm.json.occam-work'))).toBe(false);
  });

  it.skipIf(!existsSync(join(modelsDir, 'copy-l6-s1-steps', 'step-001000')))(
    "dynamics --executor slurm (one array task per checkpoint) writes the local run's file, byte for byte",
    async () => {
      // three checkpoints of the stochastic-copy run (untrained, learning, trained), few prompts: each task a few seconds
      for (const s of ['step-000000', 'step-000140', 'step-001000'])
        await cp(join(modelsDir, 'copy-l6-s1-steps', s), join(dir, 'dynamics.steps', s), { recursive: true });
      const condition = { kind: 'stochastic-copy', lag: 6, copyProbability: 0.6, length: 31, count: 30, seed: 21 };
      await writeFile(join(dir, 'dynamics.condition.json'), JSON.stringify(condition));
      const common = [
        'dynamics',
        '--checkpoints',
        join(dir, 'dynamics.steps'),
        '--condition',
        join(dir, 'dynamics.condition.json'),
        '--behaviour',
        'next-token-correct',
        '--quiet',
      ];
      const local = join(dir, 'dynamics.local.json');
      const work = join(dir, 'dynamics.work');
      expect((await runCli([...common, '--out', local])).code).toBe(0);
      const r = await runCli([
        ...common,
        '--out',
        join(dir, 'dynamics.slurm.json'),
        '--executor',
        'slurm',
        '--work-dir',
        work,
        '--slurm-option=--time=00:10:00',
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      execFileSync('cmp', [local, join(dir, 'dynamics.slurm.json')]);
      expect(readdirSync(join(work, 'results')).sort()).toEqual(['0.json', '1.json', '2.json']);
      expect(readdirSync(join(work, 'slurm')).filter((f) => f.endsWith('.out'))).toHaveLength(3);
    },
  );

  it("search --executor slurm writes the local run's search result, byte for byte; a rerun in its work folder submits nothing; a killed task is rerun alone", async () => {
    const spec: SpecInput = {
      groupBy: ['type'],
      temporal: { minLag: 0, maxLag: 6, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 0, lastPeak: 4, offset: 1.5 } },
      history: { maxLag: 3, basis: { kind: 'raisedCosineLog', count: 2, firstPeak: 1, lastPeak: 2, offset: 1 } },
    };
    const { dataset } = plantedDataset({
      nTrials: 80,
      nBins: 24,
      seed: 4,
      spec,
      atoms: neuronLikeAtoms(2),
      truth: {
        intercept: -4,
        spatial: [[1], [1]],
        temporal: [
          [0.6, 0.9, 0.3],
          [-0.5, -0.6, -0.2],
        ],
        history: [-3, -1],
      },
      backgroundRate: 0.1,
      stimulusBin: 8,
      evokedRate: 0.8,
      scoredWindow: [6, 22],
    });
    const data = join(dir, 'search.ds');
    await writeDataset(data, dataset);
    // forward selection only: each of its batches is one job array, and a job array costs seconds on any cluster
    const common = ['search', '--data', data, '--max-lag', '6', '--folds', '2', '--strategies', 'forward'];
    const local = join(dir, 'search.local.json');
    const sharded = join(dir, 'search.slurm.json');
    const work = join(dir, 'search.work');
    expect((await runCli([...common, '--out', local, '--quiet'])).code).toBe(0);
    const r = await runCli([...common, '--out', sharded, '--executor', 'slurm', '--work-dir', work, '--slurm-option=--time=00:10:00', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    execFileSync('cmp', [local, sharded]);
    // one job array per batch, one array task per candidate
    const batches = readdirSync(work).filter((f) => f.startsWith('batch-'));
    // every candidate scored once, as one task: those the search lists, and the ablations it did not list
    const result = JSON.parse(readFileSync(local, 'utf8')) as { candidates: { key: string }[]; ablations: { key: string }[] };
    const candidates = new Set([...result.candidates, ...result.ablations].map((c) => c.key)).size;
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.reduce((n, b) => n + readdirSync(join(work, b, 'results')).length, 0)).toBe(candidates);
    expect(batches.reduce((n, b) => n + readdirSync(join(work, b, 'slurm')).filter((f) => f.endsWith('.out')).length, 0)).toBe(candidates);
    const again = await runCli([...common, '--out', join(dir, 'search.again.json'), '--executor', 'slurm', '--work-dir', work]);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/submitted SLURM job/);
    execFileSync('cmp', [local, join(dir, 'search.again.json')]);

    // a candidate's array task killed once (a node lost): resubmitted alone, and the search is still the local one
    const marker = join(dir, 'search.killed.marker');
    const log: string[] = [];
    const executor = slurmExecutor({
      cli: killOnce,
      pollMs: 500,
      env: { ...process.env, OCCAM_TEST_KILL_INDEX: '1', OCCAM_TEST_KILL_MARKER: marker },
      log: (line) => log.push(line),
    });
    const killed = await runSearch(
      await readDataset(data),
      { maxLag: 6, folds: 2, strategies: ['forward'] },
      {
        executor: { executor, work: join(dir, 'search.killed.work'), dataset: data },
      },
    );
    expect(existsSync(marker)).toBe(true);
    const submitted = log.filter((l) => l.startsWith('submitted')).map((l) => /array (\S+) \(attempt (\d)/.exec(l)!.slice(1));
    expect(submitted.filter(([, attempt]) => attempt === '2')).toEqual([['1', '2']]);
    expect(JSON.stringify(killed, null, 1) + '\n').toBe(readFileSync(local, 'utf8'));
  });
});
