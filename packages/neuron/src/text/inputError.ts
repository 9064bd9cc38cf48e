import { OccamError } from '@occam/core';

/**
 * An OccamError that points at one line of one input file: `file:line: what was wrong, what was expected`.
 * Lines are 1-based, as editors count them.
 */
export function inputError(file: string, line: number | undefined, message: string): OccamError {
  const at = line === undefined ? file : `${file}:${line}`;
  return new OccamError(`${at}: ${message}`, { file, line });
}

/** Turn a failed file-system call into an OccamError that names the file (no stack trace for a bad path). */
export function fileSystemError(file: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new OccamError(`${file}: no such file or directory`, { file });
  if (code === 'EACCES' || code === 'EPERM') return new OccamError(`${file}: permission denied`, { file });
  if (code === 'EISDIR') return new OccamError(`${file}: is a directory, expected a file`, { file });
  if (code === 'ENOTDIR') return new OccamError(`${file}: not a directory`, { file });
  return error instanceof Error ? error : new Error(String(error));
}
