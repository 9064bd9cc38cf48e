// Search all seven bundled neuron variants (data/neuron/v1-C2 … v7-C2) in one run, default routes, and print
// the wall and CPU time (user + system, this process and its worker threads) of the whole and per variant:
//   node bench/search/variants.mjs [--max-lag 80] [--at-once 2] [--threads 2] [--out DIR] [--variants v1,v5]
// `occam search` takes one --data, so the variants go through the core API exactly as the CLI calls it
// (readDataset, then runSearch with the CLI's defaults). `--at-once` variants run concurrently, each with its
// own pool of `--threads` worker threads: while one variant's calling thread does its serial part (the
// sufficiency refits, the minimal model's refit) the other's candidates keep the second core busy. Results do
// not depend on either number (each candidate is scored by the same deterministic code wherever it runs).
// With --out, each variant's result is written to DIR/<variant>.json for comparison with a one-at-a-time run.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { readDataset, runSearch } from '@occam/core';

const { values } = parseArgs({
  options: {
    'max-lag': { type: 'string', default: '80' },
    'at-once': { type: 'string', default: '2' },
    threads: { type: 'string', default: '2' },
    out: { type: 'string' },
    variants: { type: 'string', default: 'v1,v2,v3,v4,v5,v6,v7' },
  },
});
const maxLag = Number(values['max-lag']);
const atOnce = Number(values['at-once']);
const threads = Number(values.threads);
const variants = values.variants.split(',').map((v) => `${v}-C2`);
const root = new URL('../../data/neuron/', import.meta.url).pathname;
if (values.out) await mkdir(values.out, { recursive: true });

const cpuSeconds = (u) => (u.user + u.system) / 1e6;
const load0 = loadavg()[0];
const t0 = performance.now();
const c0 = process.cpuUsage();
const lines = [];
let next = 0;
async function lane() {
  while (next < variants.length) {
    const name = variants[next++];
    const ds = await readDataset(join(root, name));
    const start = performance.now();
    // Process CPU includes the other lane's work: a variant's own CPU is not separable in one process, so the
    // per-variant line gives its wall time and what it found; the total CPU is exact.
    const result = await runSearch(ds, { maxLag }, { threads });
    const wall = (performance.now() - start) / 1000;
    lines.push(`  ${name} wall_s=${wall.toFixed(1)} candidates=${result.candidates.length} minimal=${JSON.stringify(result.minimal)}`);
    if (values.out) await writeFile(join(values.out, `${name}.json`), JSON.stringify(result));
  }
}
await Promise.all(Array.from({ length: Math.max(1, atOnce) }, lane));
const wall = (performance.now() - t0) / 1000;
const cpu = cpuSeconds(process.cpuUsage(c0));
console.log(
  `search variants=${variants.length} wall_s=${wall.toFixed(1)} cpu_s=${cpu.toFixed(1)} max_lag=${maxLag} at_once=${atOnce} threads=${threads} load1_start=${load0.toFixed(2)} load1_end=${loadavg()[0].toFixed(2)}`,
);
for (const l of lines) console.log(l);
