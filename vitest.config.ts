import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

// Tests import workspace packages by name; point those names at the TypeScript sources so the
// test command needs no build step.
const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const allTests = ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'tools/**/test/*.test.ts'];

// The acceptance project: test files that drive the real tools (NEURON, PyTorch, Chromium, Python), the built CLI end
// to end, or whole searches and reductions. Membership was measured (one full run, 2 shared cores): every file over
// ~5 s is here, and the unit project (everything else) stays under a minute. A new test file lands in unit; move it
// here when it takes more than ~5 s.
const acceptanceTests = [
  // the real tools
  'tools/**/test/*.test.ts', // NEURON simulation, PyTorch training/export (tiny-lm)
  'packages/report/test/browser.test.ts', // Chromium renders the report
  'packages/core/test/pythonInterop.test.ts', // NumPy reads occam's files
  'packages/core/test/pythonPredict.test.ts', // NumPy predicts what occam predicts
  // the built CLI end to end
  'apps/cli/test/hostile/**/*.test.ts',
  'apps/cli/test/killWrites.test.ts',
  'apps/cli/test/cli.test.ts',
  'apps/cli/test/commandLine.test.ts',
  'apps/cli/test/outputStreams.test.ts',
  'apps/cli/test/lmReduceControls.test.ts',
  'apps/cli/test/dynamicsExecutor.test.ts', // occam dynamics serially and with --executor local, two checkpoints (~15 s)
  'apps/cli/test/bound.test.ts', // occam bound: the rich GLM and tools/tcn-bound (PyTorch) through the built CLI
  'apps/cli/test/slurm.test.ts', // sharded extraction and compare through the local SLURM cluster (.ci/run starts it)
  'apps/cli/test/compose.test.ts', // occam compose on two planted conditions written to disk (~25 s)
  'apps/cli/test/intervene.test.ts', // planted cell: fit, five simulated interventions, occam intervene twice
  'apps/cli/test/interveneLanguageModel.test.ts', // the copy model: lm reduce, then ablations and resampled tokens
  'packages/core/test/outputSafety.test.ts',
  // whole searches, reductions and dynamics
  'packages/core/test/search.test.ts',
  'packages/core/test/vacuousRankOne.test.ts', // two searches on a planted cell (~7 s)
  'packages/core/test/plantedRecovery.test.ts',
  'packages/core/test/bootstrap.test.ts',
  'packages/core/test/model.test.ts',
  'packages/core/test/lookupNonlinearity.test.ts', // fits at import time (~35 s)
  'packages/core/test/intervalCoverage.test.ts',
  'packages/core/test/filterBandCoverage.test.ts', // 20 planted fits (~80 s)
  'packages/core/test/searchSufficiency.test.ts',
  'packages/core/test/compose.test.ts', // occam compose on planted conditions: 2 × 8 candidates × 3 folds (~50 s)
  'packages/core/test/bound.test.ts', // planted-truth bounds: reduced, rich GLM and interaction fits (~30 s)
  'packages/transformer/test/dynamics.test.ts',
  'packages/transformer/test/dynamicsExecutor.test.ts', // three checkpoints reduced twice, serially and as executor tasks (~25 s)
  'packages/transformer/test/controls.test.ts',
  'packages/transformer/test/reduction.test.ts',
  'packages/transformer/test/search.test.ts',
  'packages/transformer/test/intervention.test.ts', // ablated copies of the copy model, re-extracted (~35 s)
  'packages/report/test/buildReport.test.ts',
  'packages/report/test/languageModelReport.test.ts',
];

export default defineConfig({
  resolve: {
    alias: {
      '@occam/core': src('./packages/core/src/index.ts'),
      '@occam/neuron': src('./packages/neuron/src/index.ts'),
      '@occam/report': src('./packages/report/src/index.ts'),
      '@occam/transformer': src('./packages/transformer/src/index.ts'),
    },
  },
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: allTests, exclude: [...configDefaults.exclude, ...acceptanceTests] } },
      // End-to-end runs on 2 shared cores take minutes (the checkpoint dynamics ~2 min under load); the limit is a
      // hang guard here, not a speed check.
      { extends: true, test: { name: 'acceptance', include: acceptanceTests, testTimeout: 600_000, hookTimeout: 600_000 } },
    ],
  },
});
