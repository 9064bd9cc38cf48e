// Where occam's extraction time goes: the onnxruntime forward (LanguageModel.run, incl. feeds and reading
// the outputs back) vs everything else in extractDataset (padding, behaviour, atom reduction in JS).
//   node bench/extract/profile.mjs [--count=2000] [--batch=64] [--threads=1] [--repeats=3]
// OCCAM_TRANSFORMER=DIR/index.js profiles a patched copy of the package's dist (to try a change without editing it).
// Add `node --cpu-prof --cpu-prof-dir=out/prof …` for a V8 profile of the same run.
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

// OCCAM_TRANSFORMER=path/to/index.js profiles a patched copy of @occam/transformer's dist instead
const lib = process.env.OCCAM_TRANSFORMER ? pathToFileURL(resolve(process.env.OCCAM_TRANSFORMER)).href : '@occam/transformer';
const { extractDataset, LanguageModel, loadCondition } = await import(lib);

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const threads = Number(arg('threads', String(Math.min(2, availableParallelism()))));
const batchSize = Number(arg('batch', '64'));
const repeats = Number(arg('repeats', '3'));
const model = await LanguageModel.load(resolve(root, arg('model', 'data/models/induction-2l-s1')), { threads });
const condition = JSON.parse(readFileSync(resolve(root, arg('condition', 'examples/repeated-random.condition.json')), 'utf8'));
condition.count = Number(arg('count', '2000'));
const prompts = await loadCondition(condition, { size: model.vocabSize, tokenizer: model.tokenizer });
const tokens = prompts.prompts.reduce((s, p) => s + p.tokens.length, 0);

let runMs = 0;
let runCpu = 0;
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const run = model.run.bind(model);
model.run = async (...a) => {
  const t0 = performance.now();
  const c0 = cpu();
  const out = await run(...a);
  runMs += performance.now() - t0;
  runCpu += cpu() - c0;
  return out;
};
await extractDataset(model, prompts, { kind: 'next-token-correct' }, { batchSize });
for (let r = 0; r < repeats; r++) {
  runMs = 0;
  runCpu = 0;
  const t0 = performance.now();
  const c0 = cpu();
  await extractDataset(model, prompts, { kind: 'next-token-correct' }, { batchSize });
  const total = performance.now() - t0;
  const totalCpu = cpu() - c0;
  console.log(
    `profile tokens=${tokens} batch=${batchSize} threads=${threads} total_s=${(total / 1000).toFixed(3)} ` +
      `model.run_s=${(runMs / 1000).toFixed(3)} (${((runMs / total) * 100).toFixed(0)}%) rest_s=${((total - runMs) / 1000).toFixed(3)} tokens/s=${(tokens / (total / 1000)).toFixed(0)} ` +
      `cpu: total_s=${(totalCpu / 1000).toFixed(3)} model.run_s=${(runCpu / 1000).toFixed(3)} rest_s=${((totalCpu - runCpu) / 1000).toFixed(3)}`,
  );
}
await model.dispose();
