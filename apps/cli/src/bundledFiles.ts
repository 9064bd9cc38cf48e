import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The files that ship with the repository and that commands use by default, found from this module
// (dist/bundledFiles.js and src/bundledFiles.ts both sit three levels below the repository root).
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The NEURON-simulated cell occam demo reduces (tools/neuron-sim, variant v1, C2 whisker deflection). */
export const DEMO_DATASET = join(repoRoot, 'data/neuron/v1-C2');
/** The published three-feature form: occam demo and neuron reduce fit it unless --spec says otherwise. */
export const PUBLISHED_SPEC = join(repoRoot, 'examples/published-neuron.spec.json');
/** The language-model spec lm reduce and dynamics fit unless --spec says otherwise. */
export const LM_SPEC = join(repoRoot, 'examples/lm-default.spec.json');
