import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostileCase } from '../case.js';

// A spec key occam does not know is refused with its path and the closest known key — a typo that used to
// fit with the defaults ("regularisation": ridge 1000 fitted with ridge 1) now stops before any work.
const withSpec = (edit: (spec: Record<string, unknown>) => void) => async (dir: string, fx: { dataset: string; spec: string }) => {
  const spec = JSON.parse(await readFile(fx.spec, 'utf8'));
  edit(spec);
  await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
  return ['fit', '--data', fx.dataset, '--spec', 'spec.json', '--out', 'm.json'];
};

export const cases: HostileCase[] = [
  {
    name: 'spec/unknown-key-british-spelling',
    setup: withSpec((s) => void (s.regularisation = { ridge: 1000 })),
    expect: { exit: 1, stderr: [/spec\.json/, /unknown key 'regularisation' \(did you mean 'regularization'\?\)/] },
  },
  {
    name: 'spec/unknown-nested-key',
    setup: withSpec((s) => void ((s.temporal as Record<string, unknown>).maxlag = 3)),
    expect: { exit: 1, stderr: [/spec\.json/, /temporal: unknown key 'maxlag' \(did you mean 'maxLag'\?\)/] },
  },
  {
    name: 'spec/unknown-key-in-basis',
    setup: withSpec((s) => void (((s.temporal as Record<string, unknown>).basis as Record<string, unknown>).cout = 3)),
    expect: { exit: 1, stderr: [/spec\.json/, /temporal\.basis: unknown key 'cout' \(did you mean 'count'\?\)/] },
  },
  {
    name: 'spec/comment-is-allowed',
    setup: withSpec((s) => void (s.$comment = 'why this spec')),
    expect: { exit: 0 },
    seconds: 20,
  },
];
