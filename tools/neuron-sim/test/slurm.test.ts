import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// tools/neuron-sim's trial chunks through a real SLURM (tools/slurm/start-local-cluster.sh; CI starts it): one array
// task per chunk, merged into --out, which must be the same bytes as the local run's; a killed array task is rerun
// alone; a rerun in the same work folder submits nothing; other arguments there are refused. Skipped only where
// SLURM's client commands (or NEURON) are not installed at all; installed but down is a failure that says how to
// start it.
const python = '/usr/bin/python3';
const hasNeuron = spawnSync(python, ['-c', 'import neuron'], { stdio: 'ignore' }).status === 0;
const hasSinfo = spawnSync('sh', ['-c', 'command -v sinfo'], { stdio: 'ignore' }).status === 0;
if (!hasSinfo) console.warn('[neuron-sim slurm.test] SKIPPED: sinfo is not installed; run tools/slurm/start-local-cluster.sh (as root) to run these tests');
if (!hasNeuron) console.warn('[neuron-sim slurm.test] SKIPPED: /usr/bin/python3 has no NEURON (Debian: python3-neuron)');

const root = fileURLToPath(new URL('../../..', import.meta.url));
const simulate = join(root, 'tools/neuron-sim/simulate.py');
const killOnce = fileURLToPath(new URL('./killOnce.sh', import.meta.url));
// smoke-sized: 5 trials of 300 ms (stimulus at 245 ms) in 3 chunks of 2, 2, 1
const run = ['--variant', 'v1', '--condition', 'C2', '--trials', '5', '--chunk-size', '2', '--tstop', '300', '--seed', '3'];

function simulateRun(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(python, [simulate, ...args], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stderr: r.stderr };
}

/** The arrays a run submitted, from its log ("submitted SLURM job N: array 0-2 (attempt 1 of 3)"). */
const submitted = (log: string) => [...log.matchAll(/submitted SLURM job \d+: array (\S+)/g)].map((m) => m[1]);

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

/** Both trees hold the same files, each the same bytes (`diff -r`, then `cmp` per file, as a user would check). */
function sameBytes(a: string, b: string): string[] {
  const list = files(a);
  expect(files(b)).toEqual(list);
  execFileSync('diff', ['-r', a, b]);
  for (const f of list) execFileSync('cmp', [join(a, f), join(b, f)]);
  return list;
}

describe.skipIf(!hasSinfo || !hasNeuron)(
  hasSinfo && hasNeuron ? 'tools/neuron-sim --executor slurm on a real cluster' : 'tools/neuron-sim --executor slurm — SKIPPED: sinfo or NEURON missing',
  () => {
    let dir: string;
    let local: string;
    beforeAll(() => {
      const state = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' });
      if (!/idle|mixed|allocated/.test(state.stdout ?? ''))
        throw new Error(
          `SLURM is installed but no node is up (sinfo: ${(state.stdout ?? '').trim() || (state.stderr ?? '').trim()}): run tools/slurm/start-local-cluster.sh as root`,
        );
      dir = mkdtempSync(join(tmpdir(), 'neuron-sim-slurm-'));
      local = join(dir, 'local');
      const r = simulateRun([...run, '--jobs', '1', '--out', local]);
      expect(r.code, r.stderr).toBe(0);
    }, 120_000);

    it("one array task per chunk, merged into the local run's bytes; a rerun in the work folder submits nothing; other arguments there are refused", () => {
      const work = join(dir, 'work');
      const out = join(dir, 'slurm');
      const r = simulateRun([...run, '--executor', 'slurm', '--slurm-poll', '0.5', '--work-dir', work, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(submitted(r.stderr)).toEqual(['0-2']);
      const list = sameBytes(local, out);
      // the variant's files, the manifest and 3 chunks of 2 + 2 + 1 trials (2 files per trial, 3 per chunk)
      expect(list.filter((f) => f.startsWith('v1/C2/run_')).length).toBe(2 * 5 + 3 * 3);
      expect(list).toContain('v1/variant.json');
      expect(readdirSync(join(work, 'slurm')).filter((f) => f.endsWith('.out')).length).toBe(3);

      // same arguments, same work folder, a new --out: the chunks are done, nothing is submitted, the bytes are the same
      const again = join(dir, 'slurm-again');
      const rerun = simulateRun([...run, '--executor', 'slurm', '--slurm-poll', '0.5', '--work-dir', work, '--out', again]);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(submitted(rerun.stderr)).toEqual([]);
      expect(rerun.stderr).toMatch(/0 chunk\(s\) of 3 to run/);
      sameBytes(local, again);

      // other arguments in that work folder: refused before anything is written
      const other = join(dir, 'other');
      const refused = simulateRun([...run.slice(0, -2), '--seed', '4', '--executor', 'slurm', '--work-dir', work, '--out', other]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/--work-dir .* holds the chunks of other arguments \(hash \w+, these are \w+\): --seed 4 \(the work folder's: 3\)/);
      expect(refused.stderr).not.toMatch(/Traceback/);
      expect(existsSync(other)).toBe(false);
    }, 90_000);

    it('a killed array task is rerun alone, and the merged output is still the local one', () => {
      const work = join(dir, 'killed.work');
      const out = join(dir, 'killed');
      const marker = join(dir, 'killed.marker');
      const env = { ...process.env, OCCAM_TEST_KILL_INDEX: '1', OCCAM_TEST_KILL_MARKER: marker };
      const r = simulateRun([...run, '--executor', 'slurm', '--slurm-poll', '0.5', '--slurm-python', killOnce, '--work-dir', work, '--out', out], env);
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(marker)).toBe(true);
      expect(submitted(r.stderr)).toEqual(['0-2', '1']);
      expect(r.stderr).toMatch(/task\(s\) without a result: 1\n/);
      sameBytes(local, out);
    }, 90_000);

    it('a task that fails past --slurm-retries stops the run with a message; the same command then runs that task alone', () => {
      const work = join(dir, 'noretry.work');
      const out = join(dir, 'noretry');
      const marker = join(dir, 'noretry.marker');
      const env = { ...process.env, OCCAM_TEST_KILL_INDEX: '2', OCCAM_TEST_KILL_MARKER: marker };
      const args = [...run, '--executor', 'slurm', '--slurm-poll', '0.5', '--slurm-retries', '0', '--slurm-python', killOnce, '--work-dir', work, '--out', out];
      const failed = simulateRun(args, env);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(
        /--executor slurm: 1 of 3 chunk task\(s\) failed 1 time\(s\):\n {2}task 2 \(v1\/C2\/run_0002\): no result and no failure recorded: killed\? see .*_2\.out/,
      );
      expect(failed.stderr).toMatch(/run the same command with the same --work-dir to run only the rest/);
      expect(failed.stderr).not.toMatch(/Traceback/);
      expect(existsSync(join(out, 'v1/C2/run_0000'))).toBe(false); // nothing merged from a run that failed
      const resumed = simulateRun(args, env); // the marker is there now: task 2 goes through
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(submitted(resumed.stderr)).toEqual(['2']);
      sameBytes(local, out);
    }, 90_000);
  },
);

describe.skipIf(!hasNeuron)('tools/neuron-sim --executor slurm: clear errors without a cluster', () => {
  it('sbatch not installed: says so before any work', () => {
    const dir = mkdtempSync(join(tmpdir(), 'neuron-sim-nosbatch-'));
    const out = join(dir, 'out');
    const r = simulateRun([...run, '--executor', 'slurm', '--out', out], { ...process.env, PATH: join(dir, 'empty-bin') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/'sbatch' was not found on PATH: install SLURM's client commands .*start-local-cluster\.sh/);
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(existsSync(out)).toBe(false);
  });

  it('controller down: sbatch fails as it does then, and the message says to check sinfo and start the cluster', () => {
    const dir = mkdtempSync(join(tmpdir(), 'neuron-sim-down-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    // what Debian's sbatch prints (exit 1) when slurmctld does not answer
    for (const [cmd, text] of [
      ['sbatch', 'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)'],
      ['squeue', 'slurm_load_jobs error: Unable to contact slurm controller (connect failure)'],
    ]) {
      writeFileSync(join(bin, cmd), `#!/bin/sh\necho '${text}' >&2\nexit 1\n`);
      chmodSync(join(bin, cmd), 0o755);
    }
    const out = join(dir, 'out');
    const work = join(dir, 'work');
    const r = simulateRun([...run, '--executor', 'slurm', '--work-dir', work, '--out', out], { ...process.env, PATH: `${bin}:${process.env.PATH}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sbatch failed: sbatch: error: Batch job submission failed: Unable to contact slurm controller/);
    expect(r.stderr).toMatch(/The SLURM controller did not answer: is the cluster up \(sinfo\)\?.*start-local-cluster\.sh/);
    expect(r.stderr).not.toMatch(/Traceback/);
    // nothing was simulated: the run can be resumed with the same command once the cluster is up
    expect(readdirSync(join(work, 'results'))).toEqual([]);
    expect(existsSync(join(out, 'v1/C2/run_0000'))).toBe(false);
  }, 60_000);
});
