/** A mistake in how occam was called (exit 2, with a pointer to --help), as opposed to bad data (exit 1). */
export class UsageError extends Error {}
