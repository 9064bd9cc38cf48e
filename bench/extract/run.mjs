// occam vs PyTorch: activation extraction throughput on the same model, the same prompts, in one run.
//   npm run bench:extract [-- --count=N] [-- --batch=B] [-- --threads=T] [-- --repeats=R] [-- --condition=FILE] [-- --model=DIR]
// One summary line per figure (per batch size):
//   extract tokens/s batch=B occam=… torch=… ratio=…   ratio = occam tokens/s ÷ torch tokens/s (> 1: occam faster)
//   extract seconds batch=B occam=… torch=… cpu_s …     median wall (and CPU) seconds of the timed loop, all repeats
//   extract peak_rss_MB batch=B occam=… torch=…
//   extract same_output batch=B …                       torch's atoms/target/scored vs occam's (last repeat)
//   extract setup batch=B …                             prompts, tokens, threads, 1-minute load average before/after the repeats
//   extract logit_check …                               torch (weights from the ONNX initializers) vs onnxruntime
//
// What each side does and times (each in its own child process, so that peak RSS is that side's alone):
//   occam (bench/extract/occam_side.mjs): LanguageModel.load(model, { threads: T }) (onnxruntime-node,
//     intraOpNumThreads = T, interOpNumThreads = 1); timed = one whole extractDataset(model, prompts,
//     'next-token-correct', { batchSize: B }) call: for every batch padding, the onnxruntime forward returning
//     logits + the hooks the default atoms need (blocks.0.hook_resid_pre, blocks.L.attn.hook_z,
//     blocks.L.mlp.hook_post, blocks.L.hook_mlp_out, the final residual), the behaviour and the per-position
//     atom reduction in JS into the Dataset arrays (27 atoms for this model).
//   torch (tools/tiny-lm/bench_torch_extract.py, /usr/bin/python3): tinylm's GPT2LMHeadModel with the weights
//     read from the same ONNX file's initializers (checked: logits vs onnxruntime's to 1e-4 before timing),
//     torch.set_num_threads(T), eager forward under inference_mode with forward hooks on the corresponding
//     modules; timed = the same loop: same batches, same hooks, the same atoms (vectorised torch ops) into the
//     same [atoms, prompts, positions] arrays, target and scored.
//   Both: one full warm-up pass each, then R timed passes each, interleaved (occam, torch, torch, occam, …: the
//   children stay up and run one repeat per request, so both sides see the same load drift on a shared
//   machine); medians reported; model loading and start-up not timed.
//   Peak RSS = maxRSS of the whole child process read right after the timed loop (runtime, libraries, model,
//   prompts, outputs); nothing subtracted.
// Defaults: --batch=8,64 (occam's default batch size, and a large one; each is a separate pair of runs),
// --threads=1 (see bench/extract/README.md: on this shared 2-core VM two threads mostly measure contention),
// --count=2000 prompts (42 000 tokens), --repeats=7. OCCAM_TRANSFORMER=path/to/dist/index.js runs a patched
// copy of @occam/transformer on the occam side (the setup line then says PATCHED).
// Prompts: the condition (default examples/repeated-random.condition.json) loaded with occam's loadCondition,
// `count` overridden by --count, written to a temp prompts.json that both children read.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const modelDir = resolve(root, arg('model', 'data/models/induction-2l-s1'));
const conditionFile = resolve(root, arg('condition', 'examples/repeated-random.condition.json'));
const threads = Number(arg('threads', '1'));
const batchSizes = arg('batch', '8,64').split(',').map(Number);
const repeats = Number(arg('repeats', '7'));
const count = arg('count', '2000');
const python = process.env.OCCAM_PYTHON ?? '/usr/bin/python3';
const torchScript = join(root, 'tools/tiny-lm/bench_torch_extract.py');

// PyTorch present? One clear line and a non-zero exit if not.
const probe = spawnSync(python, ['-c', 'import torch, onnx, numpy'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  const why = probe.error ? probe.error.message : (probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`);
  console.log(`extract: PyTorch unavailable (${python}: ${why}); install Debian's python3-torch python3-onnx python3-numpy — nothing measured`);
  process.exit(1);
}

let occam;
try {
  occam = await import('@occam/transformer');
} catch (error) {
  console.log(`extract: @occam/transformer not built (${error.message.split('\n')[0]}); run npx tsc -b apps/cli first`);
  process.exit(1);
}
const { LanguageModel, loadCondition, padBatch } = occam;

const dir = mkdtempSync(join(tmpdir(), 'occam-bench-extract-'));
try {
  // prompts from occam's condition loader, and onnxruntime's logits for a padded reference batch
  const model = await LanguageModel.load(modelDir, { threads });
  const condition = JSON.parse(readFileSync(conditionFile, 'utf8'));
  if (count !== 'condition') condition.count = Number(count);
  const prompts = await loadCondition(condition, { size: model.vocabSize, tokenizer: model.tokenizer });
  writeFileSync(join(dir, 'prompts.json'), JSON.stringify(prompts));
  const refSeqs = [prompts.prompts[0].tokens, prompts.prompts[1].tokens.slice(0, Math.ceil(prompts.prompts[1].tokens.length / 2)), prompts.prompts[2].tokens];
  const batch = padBatch(refSeqs, 'right', model.padId);
  const ref = await model.run(batch, []);
  const V = ref.logits.dims[2];
  const logits = refSeqs.map((s, b) => {
    const rows = [];
    for (let k = 0; k < s.length; k++) {
      const at = (b * batch.width + batch.offsets[b] + k) * V;
      rows.push(Array.from(ref.logits.data.subarray(at, at + V)));
    }
    return rows;
  });
  const rows = (a) => refSeqs.map((_, b) => Array.from(a.subarray(b * batch.width, (b + 1) * batch.width)));
  writeFileSync(
    join(dir, 'reference.json'),
    JSON.stringify({
      ids: rows(batch.ids),
      mask: rows(batch.mask),
      positions: rows(batch.positions),
      lengths: batch.lengths,
      offsets: batch.offsets,
      logits,
      padId: model.padId,
    }),
  );
  await model.dispose();
  const tokens = prompts.prompts.reduce((s, p) => s + p.tokens.length, 0);

  // a child that answers one JSON line per request: ready after its warm-up, then one line per "run", a report on "done"
  const children = [];
  const side = async (cmd, args, what) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(child);
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async () => {
      const { value, done } = await lines.next();
      if (done) {
        if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
        console.log(`extract: the ${what} side stopped (exit ${child.exitCode ?? child.signalCode ?? '?'}); see its message above — nothing reported`);
        for (const c of children) if (c.exitCode === null) c.kill();
        process.exit(1);
      }
      return JSON.parse(value);
    };
    const ready = await next();
    return { what, child, next, ready, seconds: [], cpuSeconds: [] };
  };
  const repeat = async (s) => {
    s.child.stdin.write('run\n');
    const r = await s.next();
    s.seconds.push(r.seconds);
    s.cpuSeconds.push(r.cpuSeconds);
  };
  const finish = async (s) => {
    s.child.stdin.write('done\n');
    const report = await s.next();
    s.child.stdin.end();
    return { ...report, seconds: s.seconds, cpuSeconds: s.cpuSeconds, warmupSeconds: s.ready.warmupSeconds };
  };
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const f = (x, d = 0) => x.toFixed(d);
  let allSame = true;
  let logitLine = null;
  for (const B of batchSizes) {
    const so = await side(
      process.execPath,
      ['--expose-gc', join(root, 'bench/extract/occam_side.mjs'), `--dir=${dir}`, `--model=${modelDir}`, `--threads=${threads}`, `--batch=${B}`],
      'occam',
    );
    const st = await side(python, [torchScript, '--dir', dir, '--model', modelDir, '--threads', String(threads), '--batch', String(B)], 'PyTorch');
    // interleaved repeats, alternating which side goes first (occam, torch, torch, occam, …)
    const load0 = loadavg()[0];
    for (let r = 0; r < repeats; r++) {
      const order = r % 2 ? [st, so] : [so, st];
      for (const s of order) await repeat(s);
    }
    const load1 = loadavg()[0];
    const o = await finish(so); // writes occam's dataset, which the PyTorch side compares against
    const t = await finish(st);
    const oS = median(o.seconds);
    const tS = median(t.seconds);
    console.log(`extract tokens/s batch=${B} occam=${f(tokens / oS)} torch=${f(tokens / tS)} ratio=${(tS / oS).toFixed(2)} (occam/torch, target >= 1.5)`);
    console.log(
      `extract seconds batch=${B} occam=${f(oS, 3)} torch=${f(tS, 3)} cpu_s occam=${f(median(o.cpuSeconds), 3)} torch=${f(median(t.cpuSeconds), 3)} ` +
        `(median of ${repeats}; all occam=${o.seconds.map((x) => f(x, 3)).join(',')} torch=${t.seconds.map((x) => f(x, 3)).join(',')}; warm-up occam=${f(o.warmupSeconds, 2)} torch=${f(t.warmupSeconds, 2)})`,
    );
    console.log(
      `extract peak_rss_MB batch=${B} occam=${f(o.peakRssMB)} torch=${f(t.peakRssMB)} (whole child process; after model load, before warm-up occam=${f(o.rssBeforeWarmupMB)} torch=${f(t.rssBeforeWarmupMB)})`,
    );
    const c = t.compare ?? { error: 'occam dataset missing' };
    let same = !c.error;
    if (c.error) console.log(`extract same_output batch=${B} FAILED: ${c.error}`);
    else {
      same = c.maxRelDiff <= 1e-4 && c.scoredMismatches === 0 && c.targetMismatches <= 1e-3 * o.scoredBins;
      console.log(
        `extract same_output batch=${B} atoms=${o.atoms.length} max_rel_diff=${c.maxRelDiff.toExponential(1)} (${c.worstRelAtom}) max_abs_diff=${c.maxAbsDiff.toExponential(1)} (max |atom| ${f(c.maxAbsValue, 1)}) ` +
          `target_mismatches=${c.targetMismatches} scored_mismatches=${c.scoredMismatches} events occam=${o.events} torch=${t.events} scored=${o.scoredBins} ${same ? 'ok' : 'FAILED'}`,
      );
    }
    allSame &&= same;
    logitLine = `extract logit_check max_abs_diff=${t.logitMaxAbsDiff.toExponential(1)} positions=${t.logitCheckedPositions} (torch, weights from the ONNX initializers, vs onnxruntime; limit 1e-4) ok`;
    console.log(
      `extract setup batch=${B} model=${modelDir.replace(root + '/', '')} prompts=${prompts.prompts.length} tokens=${tokens} threads=${threads} repeats=${repeats} ` +
        `torch=${t.torch}${process.env.OCCAM_TRANSFORMER ? ` occam_lib=PATCHED:${process.env.OCCAM_TRANSFORMER}` : ''} load_1m=${f(load0, 1)}/${f(load1, 1)} (before/after the timed repeats)`,
    );
  }
  console.log(logitLine);
  if (!allSame) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
