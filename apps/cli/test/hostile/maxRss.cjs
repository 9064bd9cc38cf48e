// Preloaded into every CLI run of the hostile corpus: on exit, write the process's peak resident memory
// (KiB, from getrusage) to the file named by OCCAM_TEST_RSS_FILE, so the runner can check the 500 MB bound.
const { writeFileSync } = require('node:fs');
const file = process.env.OCCAM_TEST_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
