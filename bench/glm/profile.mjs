// Where a fit's time goes: fits the benchmark's design once under the V8 profiler and prints the functions with
// the most self time (WebAssembly kernels by name). Writes the full profile next to the working directory.
//   node bench/glm/profile.mjs [n] [p] [normal|basis]
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { fitGlm, ridgePenalty } from '@occam/core';
import { basisDesign, normalDesign } from './data.mjs';

const n = Number(process.argv[2] ?? 1e6);
const p = Number(process.argv[3] ?? 100);
const design = process.argv[4] ?? 'normal';
const { X, y } = (design === 'basis' ? basisDesign : normalDesign)(n, p, 7);
// Exports of glmKernels.wat in definition order ($exp and $log1p are its internal functions).
const wasmNames = ['addXbeta (Xβ)', 'addXtv (Xᵀr, Xᵀh)', 'promote (Gram operands)', 'addGram (XᵀHX)', 'bernoulliTerms', 'exp', 'log1p'];

const session = new Session();
session.connect();
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
await post('Profiler.enable');
await post('Profiler.start');
const t0 = performance.now();
const c0 = process.cpuUsage();
const fit = fitGlm({ X, n, p, y }, { family: 'bernoulli', penalty: ridgePenalty(p, 1), gradTol: 1e-10 });
const cpu = process.cpuUsage(c0);
const wall = (performance.now() - t0) / 1000;
const { profile } = await post('Profiler.stop');
writeFileSync(`glm-${n}x${p}.cpuprofile`, JSON.stringify(profile));

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, k) => {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const wasm = /^wasm-function\[(\d+)\]$/.exec(functionName);
  const key = wasm
    ? `wasm ${wasmNames[Number(wasm[1])] ?? functionName}`
    : `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber}`;
  const dt = profile.timeDeltas[k] ?? 0;
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
});
console.log(`${design} n=${n} p=${p}: ${fit.solver}, ${fit.iterations} steps, wall ${wall.toFixed(2)} s, cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`);
for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
  console.log(`${(t / 1000).toFixed(0).padStart(6)} ms ${((100 * t) / total).toFixed(1).padStart(5)} %  ${key}`);
}
