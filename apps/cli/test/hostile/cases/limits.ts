import type { HostileCase } from '../case.js';

// Every limit can be lowered (or raised) through its environment variable; each refusal names the file or the
// condition, the limit and the variable.
export const cases: HostileCase[] = [
  {
    name: 'limits/npy-bytes-on-read',
    setup: async (dir, fx) => ['fit', '--data', fx.dataset, '--spec', fx.spec, '--out', 'm.json'],
    env: { OCCAM_MAX_NPY_BYTES: '1000' },
    expect: { exit: 1, stderr: [/dataset\/\w+\.npy/, /OCCAM_MAX_NPY_BYTES/] },
  },
  {
    name: 'limits/json-bytes-on-spec',
    setup: async (dir, fx) => ['fit', '--data', fx.dataset, '--spec', fx.spec, '--out', 'm.json'],
    env: { OCCAM_MAX_JSON_BYTES: '10' },
    expect: { exit: 1, stderr: [/spec\.json/, /OCCAM_MAX_JSON_BYTES/] },
  },
  {
    name: 'limits/json-bytes-on-model-for-report',
    setup: async (dir, fx) => ['report', fx.model, '--out', 'r.html'],
    env: { OCCAM_MAX_JSON_BYTES: '100' },
    expect: { exit: 1, stderr: [/model\.json/, /OCCAM_MAX_JSON_BYTES/] },
  },
  {
    name: 'limits/extracted-inputs-array',
    setup: async (dir, fx) => ['lm', 'extract', '--model', fx.lmModel, '--condition', fx.lmCondition, '--behaviour', 'next-token-correct', '--out', 'ds'],
    env: { OCCAM_MAX_NPY_BYTES: '2000' },
    expect: { exit: 1, stderr: [/atoms × 2 prompts × \d+ positions/, /OCCAM_MAX_NPY_BYTES/] },
  },
  {
    name: 'limits/not-a-number',
    setup: async (dir, fx) => ['fit', '--data', fx.dataset, '--spec', fx.spec, '--out', 'm.json'],
    env: { OCCAM_MAX_JSON_BYTES: 'lots' },
    expect: { exit: 1, stderr: [/OCCAM_MAX_JSON_BYTES/] },
  },
];
