import { createHash } from 'node:crypto';
import { appendFile, readFile, truncate, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Dataset } from '../dataset/dataset.js';
import { OccamError } from '../errors.js';
import { CandidateSchema, type Candidate, type SearchOptions } from './schema.js';
import { FIT_REVISION } from '../version.js';
import { datasetDigest } from './candidateTasks.js';

/**
 * A search checkpoint is JSON lines: one header naming the format and the fingerprint of what the scores
 * depend on, then one scored candidate per line in the order they finished. Each line is written by one
 * append, so an interrupted run leaves at most a torn last line, which resuming drops.
 */
export const CheckpointHeaderSchema = z.object({
  format: z.literal('occam.search-checkpoint'),
  fingerprint: z.string(),
  /** What the fingerprint hashes, in words a refusal can name (absent in checkpoints written before it was kept). */
  scoring: z.record(z.string(), z.unknown()).optional(),
});
export type CheckpointHeader = z.infer<typeof CheckpointHeaderSchema>;

/** What a candidate's score depends on: the options that change it, the fit revision and the data's digest. */
export function searchScoring(ds: Dataset, options: SearchOptions): Record<string, unknown> {
  const { family, ridge, folds, seed, minLag, maxLag, history, exclude, ignoreAttributes, includeReadoutAtoms } = options;
  return {
    family,
    ridge,
    folds,
    seed,
    minLag,
    maxLag,
    history,
    exclude,
    ignoreAttributes,
    includeReadoutAtoms: includeReadoutAtoms ?? false,
    fitRevision: FIT_REVISION,
    dataset: datasetDigest(ds),
  };
}

/** The options a checkpoint was written for that differ from this search's, as `maxLag 40 (this search: 80)`. */
function scoringDifferences(was: Record<string, unknown>, now: Record<string, unknown>): string[] {
  const text = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));
  return Object.keys(now)
    .filter((k) => text(was[k]) !== text(now[k]))
    .map((k) => (k === 'dataset' ? 'the dataset (its bytes differ)' : `${k} ${text(was[k])} (this search: ${text(now[k])})`));
}

/**
 * What a checkpoint's candidates depend on: the data and the options that change a candidate's score
 * (not the tolerance, ranking or strategies — a resumed search may change those and reuse every fit).
 */
export function searchFingerprint(ds: Dataset, options: SearchOptions): string {
  return fingerprintOf(searchScoring(ds, options));
}

/** The fingerprint of a searchScoring record. */
export function fingerprintOf(scoring: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(scoring)).digest('hex').slice(0, 32);
}

/** An open checkpoint file: the candidates it already held, and where new ones are appended. */
export class SearchCheckpoint {
  private constructor(
    readonly file: string,
    /** Candidates finished by earlier runs, in file order. */
    readonly resumed: Candidate[],
  ) {}

  /**
   * Opens `file` for a search whose scores have `fingerprint`: a missing or empty file gets the header; an
   * existing one must be a checkpoint of the same fingerprint, and its candidates are read back.
   */
  static async open(file: string, fingerprint: string, scoring?: Record<string, unknown>): Promise<SearchCheckpoint> {
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch {
      /* no checkpoint yet */
    }
    const lines = text.split('\n');
    const first = lines.findIndex((l) => l.trim());
    if (first < 0) {
      const header: CheckpointHeader = { format: 'occam.search-checkpoint', fingerprint, ...(scoring ? { scoring } : {}) };
      await writeFile(file, JSON.stringify(header) + '\n');
      return new SearchCheckpoint(file, []);
    }
    let header: unknown = null;
    try {
      header = JSON.parse(lines[first]);
    } catch {
      /* reported below */
    }
    const parsedHeader = CheckpointHeaderSchema.safeParse(header);
    if (!parsedHeader.success) {
      throw new OccamError(`${file}:${first + 1}: not a search checkpoint (no header line); delete the file to start over`, { file, line: first + 1 });
    }
    if (parsedHeader.data.fingerprint !== fingerprint) {
      const differences = parsedHeader.data.scoring && scoring ? scoringDifferences(parsedHeader.data.scoring, scoring) : [];
      if (differences.length)
        throw new OccamError(`${file}: written for another search: ${differences.join(', ')}; delete it, name another checkpoint, or search with its options`, {
          file,
        });
      throw new OccamError(
        `${file}: written for another dataset, other scoring options (family, ridge, folds, seed, lags, history, exclude, ignored attributes) or by an occam that fits candidates differently (this one: fit revision ${FIT_REVISION}); delete it or name another checkpoint`,
        { file },
      );
    }
    const resumed: Candidate[] = [];
    // The text after the last newline is a line still being written when the run stopped, if anything.
    const torn = lines.length - 1;
    for (let i = first + 1; i < lines.length; i++) {
      if (!lines[i].trim()) continue;
      let candidate: Candidate;
      try {
        candidate = CandidateSchema.parse(JSON.parse(lines[i]));
      } catch {
        if (i === torn) {
          // Cut the torn line off so that the next append starts on a line of its own.
          await truncate(file, Buffer.byteLength(lines.slice(0, i).join('\n') + '\n'));
          break;
        }
        throw new OccamError(`${file}:${i + 1}: not a search checkpoint line; delete the file to start over`, { file, line: i + 1 });
      }
      resumed.push(candidate);
      // A whole last line that lost only its newline: end it, so the next append does not join it.
      if (i === torn) await appendFile(file, '\n');
    }
    return new SearchCheckpoint(file, resumed);
  }

  /** Appends one finished candidate as one line (one write: a stop mid-way tears at most this line). */
  async append(candidate: Candidate): Promise<void> {
    await appendFile(this.file, JSON.stringify(candidate) + '\n');
  }
}
