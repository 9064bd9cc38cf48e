#!/usr/bin/env node
// Stands in for bin/occam.js in the SLURM test's array tasks: the first time it is started for task
// OCCAM_TEST_KILL_INDEX it kills itself with SIGKILL (as a node loss or the OOM killer would), leaving a marker so
// that the rerun goes through; every other start is occam itself, with the same arguments.
import { existsSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const index = args[args.indexOf('--index') + 1];
const marker = process.env.OCCAM_TEST_KILL_MARKER;
if (marker && index === process.env.OCCAM_TEST_KILL_INDEX && !existsSync(marker)) {
  writeFileSync(marker, `killed task ${index}\n`);
  process.kill(process.pid, 'SIGKILL');
}
await import('../bin/occam.js');
