// Cost of one pass over the rows, per kind: value only (line searches), value + gradient, + Hessian.
// Prints ns per multiply-add (a gradient pass does 2·n·p, a Hessian pass n·p²/2 more), so engines and
// machines compare directly. OCCAM_GLM_KERNELS=js forces the JavaScript engine.
//   node bench/glm/passes.mjs [n] [p]
import { bernoulli, evaluateObjective, mulberry32 } from '@occam/core';
// Internal: the per-fit pass object (optionally with a worker thread), not part of the public API.
import { RowPasses } from '../../packages/core/dist/glm/objective.js';

const n = Number(process.argv[2] ?? 1_000_000);
const p = Number(process.argv[3] ?? 100);
const rand = mulberry32(1);
const X = new Float32Array(n * p);
for (let i = 0; i < X.length; i++) X[i] = rand() * 2 - 1;
const y = Float64Array.from({ length: n }, () => (rand() < 0.02 ? 1 : 0));
const beta = Float64Array.from({ length: p + 1 }, (_, c) => (c === 0 ? -4 : (rand() - 0.5) * 0.1));
const d = { X, n, p, y };

// Wall time and this process's CPU time, all threads (the machine is often shared: CPU time is the steadier number).
function time(label, reps, f, macs) {
  f(); // warm up
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let k = 0; k < reps; k++) f();
  const s = (performance.now() - t0) / 1000 / reps;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6 / reps;
  console.log(`${label.padEnd(9)} wall ${s.toFixed(3)} s  cpu ${cpu.toFixed(3)} s/pass  ${((cpu / macs) * 1e9).toFixed(3)} cpu-ns/MAC`);
}
console.log(`n=${n} p=${p} engine=${process.env.OCCAM_GLM_KERNELS === 'js' ? 'js' : 'default'}`);
const hessReps = n * p * p > 2e9 ? 1 : 3;
time('gradient', 3, () => evaluateObjective(d, bernoulli, beta, false), 2 * n * p);
time('hessian', hessReps, () => evaluateObjective(d, bernoulli, beta, true), 2 * n * p + (n * p * p) / 2);
const passes = new RowPasses(d, bernoulli, { workerThread: true });
console.log(`two threads (RowPasses with a worker; ${passes.threads} thread(s) running):`);
time('value', 3, () => passes.value(beta), n * p);
time('gradient', 3, () => passes.evaluate(beta, false), 2 * n * p);
time('hessian', hessReps, () => passes.evaluate(beta, true), 2 * n * p + (n * p * p) / 2);
passes.close();
