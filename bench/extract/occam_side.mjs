// The occam half of bench/extract, run as its own child process by run.mjs (so its peak RSS is its own).
//   node --expose-gc bench/extract/occam_side.mjs --dir=TMP --model=DIR --threads=N --batch=B
// Reads TMP/prompts.json (the PromptSet run.mjs built with occam's condition loader), loads the model with
// LanguageModel.load(dir, { threads }) (onnxruntime intraOpNumThreads = N, interOpNumThreads = 1), runs
// extractDataset(model, prompts, 'next-token-correct', { batchSize: B }) once as a warm-up (this also creates
// the onnxruntime session with the hook outputs appended) and prints {"ready":…}. Then, driven by run.mjs
// over stdin (so that occam's and PyTorch's repeats interleave and share the machine's load drift): "run" =
// one timed repeat, answered with {"seconds","cpuSeconds"}; "done" = write the last repeat's Dataset to
// TMP/occam-ds (for the PyTorch side's comparison) and print the final report.
//
// Timed (each repeat): the whole extractDataset call = atom plan (pulled-back logit directions, two tiny
// hook-shape forwards), for every batch: padBatch, feeds, onnxruntime forward returning logits + the hook
// tensors, behaviour evaluation (argmax) and atom reduction in JS into the [atoms, prompts, positions]
// Float32Array; then createDataset. Not timed: node start-up, imports, model/tokenizer load, reading prompts.
// Peak RSS: process.resourceUsage().maxRSS read after the last timed repeat: the whole process (node, V8
// heap, onnxruntime + its session and arena, model bytes, prompts, the dataset arrays of the last repeat).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { writeDataset } from '@occam/core';

// OCCAM_TRANSFORMER=path/to/dist/index.js runs a patched copy of @occam/transformer instead (to measure a proposed change)
const lib = process.env.OCCAM_TRANSFORMER ? pathToFileURL(resolve(process.env.OCCAM_TRANSFORMER)).href : '@occam/transformer';
const { extractDataset, LanguageModel } = await import(lib);

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const dir = arg('dir');
const modelDir = arg('model');
const threads = Number(arg('threads', '1'));
const batchSize = Number(arg('batch', '8'));
const mb = (kb) => kb / 1024;
const say = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const cpu = () => {
  const u = process.cpuUsage(); // whole process, all threads (µs)
  return (u.user + u.system) / 1e6;
};

const prompts = JSON.parse(readFileSync(join(dir, 'prompts.json'), 'utf8'));
const tokens = prompts.prompts.reduce((s, p) => s + p.tokens.length, 0);
const model = await LanguageModel.load(modelDir, { threads });
const behaviour = { kind: 'next-token-correct' };
const options = { batchSize, padding: 'right' };

const rssBeforeWarmupMB = mb(process.resourceUsage().maxRSS);
const w0 = performance.now();
let result = await extractDataset(model, prompts, behaviour, options); // warm-up: session creation, JIT
const warmupSeconds = (performance.now() - w0) / 1000;
say({ ready: true, tokens, warmupSeconds });

for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'run') {
    result = null;
    globalThis.gc?.();
    const c0 = cpu();
    const t0 = performance.now();
    result = await extractDataset(model, prompts, behaviour, options);
    say({ seconds: (performance.now() - t0) / 1000, cpuSeconds: cpu() - c0 });
  } else if (line === 'done') {
    const peakRssMB = mb(process.resourceUsage().maxRSS);
    await writeDataset(join(dir, 'occam-ds'), result.dataset);
    await model.dispose();
    say({
      side: 'occam',
      tokens,
      prompts: prompts.prompts.length,
      warmupSeconds,
      peakRssMB,
      rssBeforeWarmupMB,
      atoms: result.dataset.manifest.atoms.map((a) => a.id),
      hooks: result.summary.hooks,
      events: result.summary.events,
      scoredBins: result.summary.scoredBins,
      threads,
      batchSize,
    });
    break;
  }
}
process.exit(0);
