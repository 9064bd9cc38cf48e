import { cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostileCase } from '../case.js';

// Output paths: nothing occam did not write is ever replaced, an input never is, and a wrong path fails
// before any work (each case here fails in well under a second, long before a fit would end).

const mine = async (dir: string, files: Record<string, string>) => {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
};

export const cases: HostileCase[] = [
  {
    name: 'out/neuron-import-into-working-folder',
    setup: async (dir, fx) => {
      await mine(dir, { 'thesis.tex': 'years of work', 'data/raw.csv': '1,2,3' });
      return ['neuron', 'import', '--isf', fx.isf, '--out', dir];
    },
    expect: { exit: 1, stderr: [/--out/, /working folder/] },
    untouched: ['thesis.tex', 'data/raw.csv'],
  },
  {
    name: 'out/neuron-import-into-dot',
    setup: async (dir, fx) => {
      await mine(dir, { 'notes.md': 'keep' });
      return ['neuron', 'import', '--isf', fx.isf, '--out', '.'];
    },
    expect: { exit: 1, stderr: [/--out \./, /working folder/] },
    untouched: ['notes.md'],
  },
  {
    name: 'out/neuron-import-into-parent-of-cwd',
    setup: async (dir, fx) => ['neuron', 'import', '--isf', fx.isf, '--out', '..'],
    expect: { exit: 1, stderr: [/working folder or one of its parents/] },
  },
  {
    name: 'out/neuron-import-force-cannot-empty-working-folder',
    setup: async (dir, fx) => {
      await mine(dir, { 'thesis.tex': 'years of work' });
      return ['neuron', 'import', '--isf', fx.isf, '--out', dir, '--force'];
    },
    expect: { exit: 1, stderr: [/working folder/] },
    untouched: ['thesis.tex'],
  },
  {
    name: 'out/neuron-import-out-contains-input',
    setup: async (dir, fx) => {
      await cp(fx.isf, join(dir, 'proj', 'sim'), { recursive: true });
      await mine(dir, { 'proj/readme.txt': 'project' });
      return ['neuron', 'import', '--isf', 'proj/sim', '--out', 'proj'];
    },
    expect: { exit: 1, stderr: [/--out proj/, /contains the input proj\/sim/] },
    untouched: ['proj/sim/run_a/simulation_run0000_synapses.csv', 'proj/readme.txt'],
  },
  {
    name: 'out/neuron-import-out-contains-input-with-force',
    setup: async (dir, fx) => {
      await cp(fx.isf, join(dir, 'proj', 'sim'), { recursive: true });
      return ['neuron', 'import', '--isf', 'proj/sim', '--out', 'proj', '--force'];
    },
    expect: { exit: 1, stderr: [/contains the input/] },
    untouched: ['proj/sim/run_a/simulation_run0000_synapses.csv'],
  },
  {
    name: 'out/neuron-import-out-equals-input',
    setup: async (dir, fx) => {
      await cp(fx.isf, join(dir, 'sim'), { recursive: true });
      return ['neuron', 'import', '--isf', 'sim', '--out', 'sim'];
    },
    expect: { exit: 1, stderr: [/--out sim/, /is also an input/] },
    untouched: ['sim/run_b/simulation_run0000_synapses.csv'],
  },
  {
    name: 'out/neuron-import-out-is-symlink-to-input-parent',
    setup: async (dir, fx) => {
      await cp(fx.isf, join(dir, 'proj', 'sim'), { recursive: true });
      await symlink(join(dir, 'proj'), join(dir, 'alias'));
      return ['neuron', 'import', '--isf', 'proj/sim', '--out', 'alias'];
    },
    expect: { exit: 1, stderr: [/--out alias/, /contains the input/] },
    untouched: ['proj/sim/run_a/simulation_run0000_synapses.csv'],
  },
  {
    name: 'out/neuron-import-foreign-folder',
    setup: async (dir, fx) => {
      await mine(dir, { 'results/figure1.svg': '<svg/>' });
      return ['neuron', 'import', '--isf', fx.isf, '--out', 'results'];
    },
    expect: { exit: 1, stderr: [/--out results/, /not empty/, /--force/] },
    untouched: ['results/figure1.svg'],
  },
  {
    name: 'out/neuron-import-foreign-folder-force-replaces',
    setup: async (dir, fx) => {
      await mine(dir, { 'results/old.txt': 'replace me' });
      return ['neuron', 'import', '--isf', fx.isf, '--out', 'results', '--force', '--window', '240,260', '--t-end', '300'];
    },
    expect: { exit: 0, stdout: [/wrote results/] },
  },
  {
    name: 'out/neuron-import-over-a-file',
    setup: async (dir, fx) => {
      await mine(dir, { ds: 'a file, not a dataset' });
      return ['neuron', 'import', '--isf', fx.isf, '--out', 'ds'];
    },
    expect: { exit: 1, stderr: [/--out ds/, /is a file/] },
    untouched: ['ds'],
  },
  {
    name: 'out/neuron-import-under-a-file',
    setup: async (dir, fx) => {
      await mine(dir, { plain: 'x' });
      return ['neuron', 'import', '--isf', fx.isf, '--out', 'plain/ds'];
    },
    expect: { exit: 1, stderr: [/--out plain\/ds/, /plain is not a folder/] },
    untouched: ['plain'],
  },
  {
    name: 'out/neuron-import-twice-replaces-own-dataset',
    setup: async (dir, fx) => {
      await mkdir(join(dir, 'empty'));
      return ['neuron', 'import', '--isf', fx.isf, '--out', 'empty', '--window', '240,260', '--t-end', '300'];
    },
    expect: { exit: 0, stdout: [/wrote empty/] },
  },
  {
    name: 'out/lm-extract-into-working-folder',
    setup: async (dir, fx) => {
      await mine(dir, { 'paper.md': 'draft' });
      return ['lm', 'extract', '--model', fx.lmModel, '--condition', fx.lmCondition, '--behaviour', 'next-token-correct', '--out', dir];
    },
    expect: { exit: 1, stderr: [/--out/, /working folder/] },
    untouched: ['paper.md'],
  },
  {
    name: 'out/lm-extract-out-contains-model',
    setup: async (dir, fx) => {
      await cp(fx.lmModel, join(dir, 'models', 'm'), { recursive: true });
      return ['lm', 'extract', '--model', 'models/m', '--condition', fx.lmCondition, '--behaviour', 'next-token-correct', '--out', 'models'];
    },
    expect: { exit: 1, stderr: [/--out models/, /contains the input models\/m/] },
    untouched: ['models/m/config.json', 'models/m/onnx/model.onnx'],
  },
  {
    name: 'out/lm-extract-foreign-folder',
    setup: async (dir, fx) => {
      await mine(dir, { 'act/keep.npy': 'x' });
      return ['lm', 'extract', '--model', fx.lmModel, '--condition', fx.lmCondition, '--behaviour', 'next-token-correct', '--out', 'act'];
    },
    expect: { exit: 1, stderr: [/--out act/, /not empty/] },
    untouched: ['act/keep.npy'],
  },
  {
    name: 'out/lm-reduce-dataset-over-foreign-folder',
    setup: async (dir, fx) => {
      await mine(dir, { 'm.dataset/mine.txt': 'x' });
      return ['lm', 'reduce', '--model', fx.lmModel, '--condition', fx.lmCondition, '--behaviour', 'next-token-correct', '--out', 'm.json'];
    },
    expect: { exit: 1, stderr: [/--dataset m\.dataset/, /not empty/] },
    untouched: ['m.dataset/mine.txt'],
  },
  {
    name: 'out/fit-out-is-a-folder',
    setup: async (dir, fx) => {
      await mkdir(join(dir, 'models'));
      return ['fit', '--data', fx.dataset, '--spec', fx.spec, '--out', 'models'];
    },
    expect: { exit: 1, stderr: [/--out models/, /is a folder/] },
  },
  {
    name: 'out/fit-out-is-the-spec',
    setup: async (dir, fx) => {
      await cp(fx.spec, join(dir, 'spec.json'));
      return ['fit', '--data', fx.dataset, '--spec', 'spec.json', '--out', 'spec.json'];
    },
    expect: { exit: 1, stderr: [/--out spec\.json/, /is also an input/] },
    untouched: ['spec.json'],
  },
  {
    name: 'out/fit-out-is-the-dataset',
    setup: async (dir, fx) => ['fit', '--data', fx.dataset, '--spec', fx.spec, '--out', fx.dataset],
    expect: { exit: 1, stderr: [/is also an input/] },
  },
  {
    name: 'out/fit-out-inside-dataset-manifest',
    setup: async (dir, fx) => {
      await cp(fx.dataset, join(dir, 'ds'), { recursive: true });
      return ['fit', '--data', 'ds', '--spec', fx.spec, '--out', 'ds/manifest.json'];
    },
    expect: { exit: 1, stderr: [/--out ds\/manifest\.json/, /inside the input folder ds/] },
    untouched: ['ds/manifest.json'],
  },
  {
    name: 'out/fit-out-foreign-file',
    setup: async (dir, fx) => {
      await mine(dir, { 'README.md': '# my project' });
      return ['fit', '--data', fx.dataset, '--spec', fx.spec, '--out', 'README.md'];
    },
    expect: { exit: 1, stderr: [/--out README\.md/, /not written by occam/, /--force/] },
    untouched: ['README.md'],
  },
  {
    name: 'out/fit-out-dev-null',
    setup: async (dir, fx) => ['fit', '--data', fx.dataset, '--spec', fx.spec, '--out', '/dev/null'],
    expect: { exit: 1, stderr: [/--out \/dev\/null/, /not a regular file/] },
  },
  {
    name: 'out/fit-out-under-a-file',
    setup: async (dir, fx) => {
      await mine(dir, { x: '1' });
      return ['fit', '--data', fx.dataset, '--spec', fx.spec, '--out', 'x/model.json'];
    },
    expect: { exit: 1, stderr: [/x is not a folder/] },
    untouched: ['x'],
  },
  {
    name: 'out/fit-out-empty-string',
    setup: async (dir, fx) => ['fit', '--data', fx.dataset, '--spec', fx.spec, '--out', ''],
    expect: { exit: 2, stderr: [/missing --out/] },
  },
  {
    name: 'out/fit-overwrites-own-model',
    setup: async (dir, fx) => {
      await cp(fx.model, join(dir, 'model.json'));
      return ['fit', '--data', fx.dataset, '--spec', fx.spec, '--out', 'model.json', '--quiet'];
    },
    expect: { exit: 0 },
    seconds: 15,
  },
  {
    name: 'out/search-out-is-the-dataset-manifest',
    setup: async (dir, fx) => {
      await cp(fx.dataset, join(dir, 'ds'), { recursive: true });
      return ['search', '--data', 'ds', '--max-lag', '8', '--out', 'ds/manifest.json'];
    },
    expect: { exit: 1, stderr: [/--out ds\/manifest\.json/] },
    untouched: ['ds/manifest.json', 'ds/inputs.npy'],
  },
  {
    name: 'out/search-out-foreign-file',
    setup: async (dir, fx) => {
      await mine(dir, { 'search.json': '{"mine": true}' });
      return ['search', '--data', fx.dataset, '--max-lag', '8', '--out', 'search.json'];
    },
    expect: { exit: 1, stderr: [/not written by occam/] },
    untouched: ['search.json'],
  },
  {
    name: 'out/report-out-is-its-input',
    setup: async (dir, fx) => {
      await cp(fx.model, join(dir, 'model.json'));
      return ['report', 'model.json', '--out', 'model.json'];
    },
    expect: { exit: 1, stderr: [/--out model\.json/, /is also an input/] },
    untouched: ['model.json'],
  },
  {
    name: 'out/report-out-foreign-html',
    setup: async (dir, fx) => {
      await mine(dir, { 'index.html': '<html><body>my site</body></html>' });
      return ['report', fx.model, '--out', 'index.html'];
    },
    expect: { exit: 1, stderr: [/--out index\.html/, /not written by occam/] },
    untouched: ['index.html'],
  },
  {
    name: 'out/compare-out-is-a-model',
    setup: async (dir, fx) => {
      await cp(fx.model, join(dir, 'a.json'));
      return ['compare', '--system', `a=a.json@${fx.dataset}`, '--system', `b=${fx.model}@${fx.dataset}`, '--out', 'a.json'];
    },
    expect: { exit: 1, stderr: [/--out a\.json/, /is also an input/] },
    untouched: ['a.json'],
  },
  {
    name: 'out/dynamics-out-is-folder',
    setup: async (dir, fx) => {
      await mkdir(join(dir, 'dyn'));
      return ['dynamics', '--checkpoints', fx.lmModel, '--condition', fx.lmCondition, '--behaviour', 'next-token-correct', '--out', 'dyn'];
    },
    expect: { exit: 1, stderr: [/--out dyn/, /is a folder/] },
  },
  {
    name: 'out/demo-out-holds-foreign-model-json',
    setup: async (dir) => {
      await mine(dir, { 'demo/model.json': '{"theirs": 1}' });
      return ['demo', '--out', 'demo'];
    },
    expect: { exit: 1, stderr: [/demo\/model\.json/, /not written by occam/] },
    untouched: ['demo/model.json'],
  },
  {
    name: 'out/demo-out-is-a-file',
    setup: async (dir) => {
      await mine(dir, { demo: 'file' });
      return ['demo', '--out', 'demo'];
    },
    expect: { exit: 1, stderr: [/demo is not a folder/] },
    untouched: ['demo'],
  },
];
