/**
 * One hostile or malformed input, run through the real CLI as a user would. A case builds its inputs in a
 * fresh folder and says what must happen: the exit code, what stderr must name (the file and the problem),
 * and which files must come out untouched. The runner adds the bounds every case shares: no stack trace,
 * no "unexpected failure", at most `seconds` (5 by default) and 500 MB peak RSS.
 */
export interface HostileCase {
  /** Unique, `area/what`: e.g. `npy/gz-bomb`. */
  name: string;
  /** Build the inputs under `dir` (fresh, empty, the command's working directory); return the CLI arguments. */
  setup(dir: string, fixtures: Fixtures): Promise<string[]>;
  expect: {
    exit: 0 | 1 | 2;
    /** Every pattern must match stderr (name the file and the problem). */
    stderr?: RegExp[];
    stdout?: RegExp[];
  };
  /** Paths relative to `dir` whose bytes must be unchanged after the run (snapshotted after setup). */
  untouched?: string[];
  /** Environment variables for the run (e.g. a lowered OCCAM_MAX_* limit). */
  env?: Record<string, string>;
  /** Override the 5 s bound only where the case is a full successful run (say why in the case). */
  seconds?: number;
}

/** Small valid inputs, built once per test file and shared read-only: copy them before mutating. */
export interface Fixtures {
  /** A small planted neuron-like dataset directory (uncompressed .npy). */
  dataset: string;
  /** A spec file that fits `dataset` quickly. */
  spec: string;
  /** A ReducedModel JSON fitted on `dataset` with `spec`. */
  model: string;
  /** The bundled tiny language model folder (data/models/induction-2l-s1). */
  lmModel: string;
  /** A small JSONL prompt condition that `lmModel` accepts. */
  lmCondition: string;
  /** A tiny ISF-format simulation folder (two run folders with synapse, presynaptic and trace files). */
  isf: string;
}
