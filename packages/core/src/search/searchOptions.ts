import type { DatasetManifest } from '../dataset/schema.js';
import { OccamError } from '../errors.js';
import { SearchOptionsSchema, type SearchOptions, type SearchOptionsInput } from './schema.js';

/**
 * A search option the schema or the dataset rejects: which option (its key in SearchOptions), the value
 * given and what is wrong, so that a caller can name the option its own way (the CLI: by its flag).
 */
export class SearchOptionError extends OccamError {
  constructor(
    /** The option's key in SearchOptions (e.g. 'maxLag'). */
    readonly option: keyof SearchOptions,
    /** The value given, where the problem is about one scalar value (shown after the option's name). */
    readonly given: string | number | undefined,
    /** What is wrong and what is expected. */
    readonly problem: string,
  ) {
    super(`search options: ${describeProblem(option, given, problem)}`, { field: option });
  }

  /** The message with the option called `name`, and (where the problem is about it) the value as typed. */
  describe(name: string, typed?: string): string {
    return describeProblem(name, this.given === undefined ? undefined : (typed ?? this.given), this.problem);
  }
}

function describeProblem(name: string, given: string | number | undefined, problem: string): string {
  // A problem that reads on from the option's name ("must be …, got 8000") is not preceded by the value.
  if (/^must\b/.test(problem)) return `${name} ${problem}`;
  return given === undefined ? `${name}: ${problem}` : `${name} ${given}: ${problem}`;
}

/**
 * Search options checked and completed: first by SearchOptionsSchema alone (before any data is read), then,
 * given the dataset's manifest, against the data — the lag window within a trial, attributes that exist,
 * excluded values of a numeric attribute as numbers — with the defaults that depend on it (the family from the
 * target's kind, the deciding figure from the bin unit).
 */
export function parseSearchOptions(input: SearchOptionsInput, manifest?: DatasetManifest): SearchOptions {
  const completed: SearchOptionsInput = manifest
    ? {
        ...input,
        family: input.family ?? (manifest.target.kind === 'real' ? 'gaussian' : 'bernoulli'),
        sufficientBy: input.sufficientBy ?? (manifest.binUnit === 'token' ? 'stratifiedAuroc' : 'auroc'),
        ...(input.exclude ? { exclude: excludeValuesFor(input.exclude, manifest) } : {}),
      }
    : input;
  const parsed = SearchOptionsSchema.safeParse(completed);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = issue.path[0] as keyof SearchOptions;
    const value = (completed as Record<string, unknown>)[option];
    const scalar = issue.path.length === 1 && (typeof value === 'number' || typeof value === 'string') ? value : undefined;
    throw new SearchOptionError(
      option,
      scalar,
      issue.message.replace(/^\w/, (c) => c.toLowerCase()),
    );
  }
  const options = parsed.data;
  if (manifest) checkAgainstData(options, manifest);
  return options;
}

function attributesOf(manifest: DatasetManifest): Set<string> {
  return new Set(manifest.atoms.flatMap((a) => Object.keys(a.attributes)));
}

function noSuchAttribute(option: keyof SearchOptions, name: string, manifest: DatasetManifest): SearchOptionError {
  return new SearchOptionError(option, undefined, `no atom has an attribute '${name}' (attributes: ${[...attributesOf(manifest)].join(', ')})`);
}

/** Excluded values as the attribute holds them: numbers for a numeric attribute (a command line gives text). */
function excludeValuesFor(exclude: Record<string, (string | number)[]>, manifest: DatasetManifest): Record<string, (string | number)[]> {
  const attributes = attributesOf(manifest);
  return Object.fromEntries(
    Object.entries(exclude).map(([attribute, values]) => {
      if (!attributes.has(attribute)) throw noSuchAttribute('exclude', attribute, manifest);
      const numeric = manifest.atoms.some((a) => typeof a.attributes[attribute] === 'number');
      if (!numeric) return [attribute, values];
      return [
        attribute,
        values.map((v) => {
          const n = typeof v === 'number' ? v : Number(v);
          if (typeof v === 'string' && (v.trim() === '' || !Number.isFinite(n)))
            throw new SearchOptionError('exclude', undefined, `'${v}' is not a number, and attribute '${attribute}' is numeric`);
          return n;
        }),
      ];
    }),
  );
}

function checkAgainstData(options: SearchOptions, manifest: DatasetManifest): void {
  const { nBins } = manifest;
  if (options.maxLag >= nBins)
    throw new SearchOptionError(
      'maxLag',
      options.maxLag,
      `must be a whole number from 0 to ${nBins - 1} (a trial of the dataset has ${nBins} bins), got ${options.maxLag}`,
    );
  const attributes = attributesOf(manifest);
  for (const a of options.ignoreAttributes) if (!attributes.has(a)) throw noSuchAttribute('ignoreAttributes', a, manifest);
}
