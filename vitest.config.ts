import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// Tests import workspace packages by name; point those names at the TypeScript sources so the
// test command needs no build step.
const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@occam/core': src('./packages/core/src/index.ts'),
      '@occam/neuron': src('./packages/neuron/src/index.ts'),
      '@occam/transformer': src('./packages/transformer/src/index.ts'),
      '@occam/report': src('./packages/report/src/index.ts'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'tools/**/test/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
