// occam vs scikit-learn: ridge-penalised Bernoulli GLM (logistic regression) fitted to convergence on the
// same data, timed side by side in one run. One summary line per case:
//   glm n=… p=… occam_s=… sklearn_s=… ratio=… max_rel_coef_diff=… occam_peak_mb=… sklearn_peak_mb=…
// ratio = occam_s / sklearn_s (≤ 1 means occam is no slower). max_rel_coef_diff = max_i |β_occam − β_sklearn| / max_i |β_sklearn|.
// Usage: npm run bench:glm [-- --quick] [-- --design=basis] [-- --solver=newton|lbfgs|…] [-- --cases=1e6x100,1e5x500]
//   --quick: 10× fewer rows (a smoke run); --design=basis: overlapping raised-cosine columns (ill conditioned)
//   instead of standard-normal ones; --solver: force an occam solver (default 'auto').
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitGlm, ridgePenalty, writeNpy } from '@occam/core';
import { basisDesign, normalDesign } from './data.mjs';

const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = process.argv.includes('--quick');
const design = arg('design') ?? 'normal';
const solver = arg('solver') ?? 'auto';
const cases = (arg('cases') ?? (quick ? '1e5x100,2e4x500' : '1e6x100,1e5x500')).split(',').map((c) => c.split('x').map(Number));
const lambda = 1; // sklearn C = 1 / λ: both minimise Σ nll + ½λ‖β‖² with an unpenalised intercept
const python = process.env.OCCAM_PYTHON ?? '/usr/bin/python3';

let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
for (const [n, p] of cases) {
  const { X, y } = (design === 'basis' ? basisDesign : normalDesign)(n, p, 7);
  const dir = mkdtempSync(join(tmpdir(), 'occam-bench-'));
  await writeNpy(join(dir, 'X.npy'), { dtype: 'float32', shape: [p, n], data: X });
  await writeNpy(join(dir, 'y.npy'), { dtype: 'float64', shape: [n], data: y });
  globalThis.gc?.();
  const base = process.memoryUsage().rss;
  peak = base;
  const timer = setInterval(sample, 20);
  const load = loadavg()[0];
  const t0 = performance.now();
  const fit = fitGlm({ X, n, p, y }, { family: 'bernoulli', penalty: ridgePenalty(p, lambda), gradTol: 1e-10, solver });
  const occamS = (performance.now() - t0) / 1000;
  clearInterval(timer);
  sample();
  const sk = JSON.parse(
    execFileSync(python, [new URL('./sklearn_fit.py', import.meta.url).pathname, join(dir, 'X.npy'), join(dir, 'y.npy'), String(1 / lambda), '1e-10'], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    }),
  );
  rmSync(dir, { recursive: true, force: true });
  const ref = [sk.intercept, ...sk.coef];
  const scale = Math.max(...ref.map(Math.abs));
  const diff = Math.max(...ref.map((v, i) => Math.abs(v - fit.beta[i])));
  let positives = 0;
  for (const v of y) positives += v;
  console.log(
    `glm n=${n} p=${p} occam_s=${occamS.toFixed(2)} sklearn_s=${sk.seconds.toFixed(2)} ` +
      `ratio=${(occamS / sk.seconds).toFixed(2)} max_rel_coef_diff=${(diff / scale).toExponential(1)} ` +
      `design=${design} positives=${((positives / n) * 100).toFixed(1)}% ` +
      `occam_solver=${fit.solver} occam_iter=${fit.iterations} sklearn_iter=${sk.iterations} ` +
      `occam_peak_mb=${(peak / 2 ** 20).toFixed(0)} occam_fit_extra_mb=${((peak - base) / 2 ** 20).toFixed(0)} sklearn_peak_mb=${sk.peak_mb.toFixed(0)} ` +
      `load=${load.toFixed(1)}/${loadavg()[0].toFixed(1)}`,
  );
}
