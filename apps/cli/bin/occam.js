#!/usr/bin/env node
// Runs the compiled CLI; `npm ci` builds it (the workspace's `prepare` script runs `tsc -b`).
import('../dist/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('occam: the CLI is not built yet — run `npm run build` in the repository root\n');
    process.exit(1);
  }
  throw error;
});
