import type { ZodError, ZodType } from 'zod';

/**
 * An error a user can act on: it names where the problem is (a file, a line, a field) and what was
 * expected. The CLI prints `message` alone — never a stack trace — so the message must stand on its own.
 */
export class OccamError extends Error {
  override readonly name = 'OccamError';
  constructor(
    message: string,
    readonly where?: { file?: string; line?: number; field?: string },
  ) {
    super(message);
  }
}

/** Turn a zod failure into one readable line per problem, prefixed with the file it came from. */
export function zodProblem(file: string, error: ZodError, schema?: ZodType): OccamError {
  const lines = error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : '(root)';
    if (issue.code === 'unrecognized_keys' && schema) {
      const known = knownKeysAt(schema, issue.path);
      const told = issue.keys.map((k) => {
        const near = closest(k, known);
        return `'${k}'${near ? ` (did you mean '${near}'?)` : ''}`;
      });
      return `  ${path}: unknown key${issue.keys.length > 1 ? 's' : ''} ${told.join(', ')}${known.length ? `; known here: ${known.join(', ')}` : ''}`;
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // A union's own description (its forms, with an example) says more than what each form missed.
      const wanted = schema ? descriptionAt(schema, issue.path) : undefined;
      return `  ${path}: ${unionAlternatives(issue.errors)}${wanted ? `\n    expected ${wanted}` : ''}`;
    }
    return `  ${path}: ${issue.message}`;
  });
  const more = error.issues.length > 5 ? `\n  … and ${error.issues.length - 5} more` : '';
  const first = error.issues[0];
  return new OccamError(`${file}: invalid content\n${lines.join('\n')}${more}`, {
    file,
    field: first ? first.path.join('.') : undefined,
  });
}

/**
 * What each member of a union wanted, since zod's own line for a failed union is only "Invalid input": the first
 * two problems a member found, by path relative to the union's value (e.g. `groupBy.0` given `{ "type": … }` reads
 * "either: expected string, received object; or: attribute: expected string, received undefined; …").
 */
function unionAlternatives(members: { path: PropertyKey[]; message: string; code: string; keys?: string[] }[][]): string {
  const said = members.map((problems) => {
    const shown = problems.slice(0, 2).map((p) => {
      const text =
        p.code === 'unrecognized_keys' && p.keys
          ? `unknown key${p.keys.length > 1 ? 's' : ''} ${p.keys.map((k) => `'${k}'`).join(', ')}`
          : p.message.replace(/^Invalid input: /, '');
      return p.path.length ? `${p.path.join('.')}: ${text}` : text;
    });
    return shown.join(', ') + (problems.length > 2 ? ` (and ${problems.length - 2} more)` : '');
  });
  return `matches none of the ${members.length} accepted forms — ${said.map((t, i) => `${i === 0 ? 'as form 1' : `as form ${i + 1}`}: ${t}`).join('; ')}`;
}

/** The keys an object schema accepts at `path` (through optional, nullable, default and union wrappers). */
function knownKeysAt(schema: ZodType, path: PropertyKey[]): string[] {
  const shapes = schemasAt(schema, path).flatMap((s) => {
    const def = defOf(s);
    return def.type === 'object' ? [def.shape as Record<string, ZodType>] : [];
  });
  return [...new Set(shapes.flatMap((o) => Object.keys(o)))].sort();
}

/** The description of a schema at `path` (a wrapper's, a union's or a member's), if one has it. */
function descriptionAt(schema: ZodType, path: PropertyKey[]): string | undefined {
  return schemasAt(schema, path).find((s) => s.description)?.description;
}

function defOf(schema: ZodType): Record<string, unknown> {
  return (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
}

/** Every schema a value at `path` meets: the wrappers (optional, default, pipe …), a union and its members, in that order. */
function schemasAt(schema: ZodType, path: PropertyKey[]): ZodType[] {
  const def = defOf(schema);
  const here = path.length === 0 ? [schema] : [];
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return [...here, ...schemasAt(def.innerType as ZodType, path)];
    case 'pipe':
      return [...here, ...schemasAt(def.in as ZodType, path)];
    case 'union':
      return [...here, ...(def.options as ZodType[]).flatMap((o) => schemasAt(o, path))];
    case 'array':
      return typeof path[0] === 'number' ? schemasAt(def.element as ZodType, path.slice(1)) : here;
    case 'object': {
      if (path.length === 0) return here;
      const next = (def.shape as Record<string, ZodType>)[String(path[0])];
      return next ? schemasAt(next, path.slice(1)) : [];
    }
    default:
      return here;
  }
}

/** The known key nearest to `key` (edit distance ≤ 3 and under half its length), if any. */
export function closest(key: string, known: string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== null && bestD <= Math.min(3, Math.ceil(key.length / 2)) ? best : null;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}
