/**
 * Fault injection for the kill -9 tests of every writing path: when OCCAM_CRASH_AT names this point, the
 * process kills itself with SIGKILL right here, exactly as a power cut or `kill -9` would stop it. The
 * tests then check that the output path is absent, the old output or the new one — never partial. Reading
 * one environment variable costs nothing on a normal run.
 */
export function crashPoint(name: string): void {
  const at = process.env.OCCAM_CRASH_AT;
  if (at !== undefined && at === name) process.kill(process.pid, 'SIGKILL');
}

/** The named points, in the order a write passes them (the tests iterate over these). */
export const FILE_CRASH_POINTS = ['file:temp-synced', 'file:renamed'] as const;
export const DIRECTORY_CRASH_POINTS = ['dir:version-filled', 'dir:version-renamed', 'dir:link-made', 'dir:link-flipped', 'dir:old-removed'] as const;
