import type { ZodError } from 'zod';

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
export function zodProblem(file: string, error: ZodError): OccamError {
  const lines = error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : '(root)';
    return `  ${path}: ${issue.message}`;
  });
  const more = error.issues.length > 5 ? `\n  … and ${error.issues.length - 5} more` : '';
  const first = error.issues[0];
  return new OccamError(`${file}: invalid content\n${lines.join('\n')}${more}`, {
    file,
    field: first ? first.path.join('.') : undefined,
  });
}
