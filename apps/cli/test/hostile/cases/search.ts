import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostileCase } from '../case.js';

const search = (data: string, ...more: string[]) => ['search', '--data', data, '--max-lag', '8', '--out', 's.json', ...more];

// Search options are judged by the core's SearchOptionsSchema (and against the dataset); every refusal still
// names the flag as typed, and the numbers are refused before the dataset is read.
export const cases: HostileCase[] = [
  {
    name: 'search/folds-one-before-reading-data',
    setup: async () => search('no-such-dataset', '--folds', '1'),
    expect: { exit: 2, stderr: [/--folds 1: too small: expected number to be >=2/] },
  },
  {
    name: 'search/alpha-beyond-half',
    setup: async (dir, fx) => search(fx.dataset, '--alpha', '0.7'),
    expect: { exit: 2, stderr: [/--alpha 0\.7: too big: expected number to be <0\.5/] },
  },
  {
    name: 'search/strategy-misspelt',
    setup: async (dir, fx) => search(fx.dataset, '--strategies', 'forward,groupLaso'),
    expect: { exit: 2, stderr: [/--strategies: unknown strategy 'groupLaso' \(forward, backward, groupLasso\) — did you mean 'groupLasso'\?/] },
  },
  {
    name: 'search/ignore-unknown-attribute',
    setup: async (dir, fx) => search(fx.dataset, '--ignore', 'layer'),
    expect: { exit: 2, stderr: [/--ignore: no atom has an attribute 'layer' \(attributes: type, distance\)/] },
  },
  {
    name: 'search/exclude-text-from-numeric-attribute',
    setup: async (dir, fx) => search(fx.dataset, '--exclude', 'distance=near'),
    expect: { exit: 2, stderr: [/--exclude: 'near' is not a number, and attribute 'distance' is numeric/] },
  },
  {
    name: 'search/checkpoint-of-another-search',
    setup: async (dir, fx) => {
      await writeFile(join(dir, 's.ckpt'), JSON.stringify({ format: 'occam.search-checkpoint', fingerprint: '0'.repeat(32) }) + '\n');
      return search(fx.dataset, '--checkpoint', 's.ckpt');
    },
    expect: { exit: 1, stderr: [/s\.ckpt: written for another dataset, other scoring options/, /delete it or name another checkpoint/] },
    untouched: ['s.ckpt'],
  },
  {
    name: 'search/checkpoint-not-a-checkpoint',
    setup: async (dir, fx) => {
      await writeFile(join(dir, 's.ckpt'), '{"format": "occam.search", "version": 1}\n');
      return search(fx.dataset, '--checkpoint', 's.ckpt');
    },
    expect: { exit: 1, stderr: [/s\.ckpt:1: not a search checkpoint \(no header line\); delete the file to start over/] },
    untouched: ['s.ckpt'],
  },
];
