// occam's activation extraction at real model size against a plain onnxruntime-node forward of the same batches.
//   node bench/extract/size.mjs --model=DIR[,DIR…] [--name=NAME[,NAME…]] [--count=400] [--batch=73] [--repeats=3]
//     [--threads=1] [--rss-counts=1000,4000]
// DIR: a tiny-lm export, e.g. GPT-2-small shape and the Llama shape of about its size (tools/tiny-lm/README.md,
// "Real-size models"); several, comma-separated, are measured one after the other with the same prompts
// settings, each printing its own lines (NAME defaults to the folder's name). Prints, per model:
//   extract NAME occam_tok_s=… ort_tok_s=… ratio=… cpu_ratio=… peak_rss_mb=… model_mb=…
//     ratio = occam tokens/s ÷ plain-forward tokens/s from median wall seconds (target >= 0.9); cpu_ratio = the same
//     from median process CPU seconds, steadier than wall time on a shared, loaded machine
//   extract NAME seconds …                                 every repeat, both sides
//   extract NAME cli_rss prompts=N peak_rss_mb=… rss_per_model=… extract_rss_mb=… seconds=…   `occam lm extract` (built CLI) per count
//
// Throughput: two child processes started from this script (this file with --side=occam / --side=ort) read the
// same prompts.json (occam's loadCondition, every prompt the same length, so no padding) and stay up after one
// warm-up pass; one timed repeat per request, alternating which side goes first, so both see the same load.
//   occam: LanguageModel.load(DIR, { threads }); timed = extractDataset(model, prompts, 'next-token-correct',
//     { batchSize }) with every default atom (the atoms computed by nodes appended to the graph).
//   ort:   ort.InferenceSession.create(DIR/onnx/model.onnx, same thread options); timed = for every batch of
//     batchSize consecutive prompts, the forward with input_ids / attention_mask / position_ids (and empty
//     past_key_values.* for a with-past graph, as transformers.js feeds a first step), fetching logits only.
// peak_rss_mb on the first line is the occam child's maxRSS after its repeats. model_mb = the ONNX file plus its
// external data file. cli_rss runs the real command, `occam lm extract --model DIR --condition … --out TMP`,
// once per --rss-counts value (onnxruntime's default threads: the command has no thread option), and reports
// the whole process's peak RSS (GNU time's %M, the kernel's maxrss: loading, extraction and writing the
// Dataset) as peak_rss_mb, and the command's own --json summary figure (peakRssBytes, sampled after each forward
// pass, so it misses the writing) as extract_rss_mb. Without /usr/bin/time peak_rss_mb is the summary's figure
// and the line says so (whole_process=no).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const modelDirs = arg('model', join(root, 'data/models/induction-2l-s1'))
  .split(',')
  .filter(Boolean)
  .map((d) => resolve(d));
// the child sides get one --model each
const modelDir = modelDirs[0];
const threads = Number(arg('threads', '1'));
const batchSize = Number(arg('batch', '73')); // extractDataset's default for 21-token prompts: 1536 tokens per batch
const say = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function serve(timed) {
  const w0 = performance.now();
  await timed();
  say({ ready: true, warmupSeconds: (performance.now() - w0) / 1000 });
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'run') {
      globalThis.gc?.();
      const c0 = cpu();
      const t0 = performance.now();
      await timed();
      say({ seconds: (performance.now() - t0) / 1000, cpuSeconds: cpu() - c0 });
    } else if (line === 'done') {
      say({ peakRssMB: process.resourceUsage().maxRSS / 1024 });
      break;
    }
  }
  process.exit(0);
}

const sideArg = arg('side', null);
if (sideArg === 'occam') {
  const { extractDataset, LanguageModel } = await import('@occam/transformer');
  const prompts = JSON.parse(readFileSync(join(arg('dir'), 'prompts.json'), 'utf8'));
  const model = await LanguageModel.load(modelDir, { threads });
  await serve(() => extractDataset(model, prompts, { kind: 'next-token-correct' }, { batchSize, padding: 'right' }));
} else if (sideArg === 'ort') {
  const ort = await import('onnxruntime-node');
  const prompts = JSON.parse(readFileSync(join(arg('dir'), 'prompts.json'), 'utf8')).prompts.map((p) => p.tokens);
  const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8'));
  const options = { logSeverityLevel: 3, intraOpNumThreads: threads, interOpNumThreads: 1 };
  const session = await ort.InferenceSession.create(join(modelDir, 'onnx/model.onnx'), options);
  const heads = config.n_head ?? config.num_attention_heads;
  const kvHeads = config.num_key_value_heads ?? heads;
  const headDim = (config.n_embd ?? config.hidden_size) / heads;
  const batches = [];
  for (let i = 0; i < prompts.length; i += batchSize) {
    const rows = prompts.slice(i, i + batchSize);
    const B = rows.length;
    const T = Math.max(...rows.map((r) => r.length));
    if (rows.some((r) => r.length !== T)) throw new Error('size.mjs: the ort side expects prompts of one length (no padding)');
    const ids = BigInt64Array.from(rows.flat(), BigInt);
    const pos = new BigInt64Array(B * T).map((_, k) => BigInt(k % T));
    const feeds = {};
    for (const name of session.inputNames) {
      if (name === 'input_ids') feeds[name] = new ort.Tensor('int64', ids, [B, T]);
      else if (name === 'attention_mask') feeds[name] = new ort.Tensor('int64', new BigInt64Array(B * T).fill(1n), [B, T]);
      else if (name === 'position_ids') feeds[name] = new ort.Tensor('int64', pos, [B, T]);
      else if (name.startsWith('past_key_values.')) feeds[name] = new ort.Tensor('float32', new Float32Array(0), [B, kvHeads, 0, headDim]);
      else throw new Error(`size.mjs: no feed for input ${name}`);
    }
    batches.push(feeds);
  }
  await serve(async () => {
    for (const feeds of batches) {
      const out = await session.run(feeds, ['logits']);
      out.logits.dispose?.();
    }
  });
} else {
  const names = arg('name', '').split(',').filter(Boolean);
  if (names.length && names.length !== modelDirs.length) {
    console.log(`size.mjs: --name lists ${names.length} names for ${modelDirs.length} --model folders; give one per folder`);
    process.exit(2);
  }
  let failed = 0;
  for (const [k, dir] of modelDirs.entries()) failed |= await main(dir, names[k] ?? basename(dir));
  process.exit(failed);
}

/** Both measurements for one model folder; returns the exit code (1: nothing measured). */
async function main(modelDir, name) {
  const repeats = Number(arg('repeats', '3'));
  const count = Number(arg('count', '400'));
  const rssCounts = arg('rss-counts', '').split(',').filter(Boolean).map(Number);
  const cli = join(root, 'apps/cli/dist/main.js');
  if (!existsSync(cli)) {
    console.log(`extract ${name}: build the CLI first (npx tsc -b apps/cli) — nothing measured`);
    return 1;
  }
  if (!existsSync(join(modelDir, 'config.json'))) {
    console.log(`extract ${name}: ${modelDir} has no config.json (expected a tiny-lm export folder) — nothing measured`);
    return 1;
  }
  const { LanguageModel, loadCondition } = await import('@occam/transformer');
  const modelBytes = readdirSync(join(modelDir, 'onnx'))
    .filter((f) => f.startsWith('model.onnx'))
    .reduce((s, f) => s + statSync(join(modelDir, 'onnx', f)).size, 0);
  const modelMB = modelBytes / 2 ** 20;
  const dir = mkdtempSync(join(tmpdir(), 'occam-bench-size-'));
  const children = [];
  try {
    // prompts through occam's own loader; the model is loaded here only for its vocabulary and tokenizer
    const condition = { kind: 'repeated-random', period: 10, seed: 11 };
    const lm = await LanguageModel.load(modelDir, { threads });
    const prompts = await loadCondition({ ...condition, count }, { size: lm.vocabSize, tokenizer: lm.tokenizer });
    await lm.dispose();
    writeFileSync(join(dir, 'prompts.json'), JSON.stringify(prompts));
    const tokens = prompts.prompts.reduce((s, p) => s + p.tokens.length, 0);

    const self = fileURLToPath(import.meta.url);
    const side = async (what) => {
      const child = spawn(
        process.execPath,
        ['--expose-gc', self, `--side=${what}`, `--dir=${dir}`, `--model=${modelDir}`, `--threads=${threads}`, `--batch=${batchSize}`],
        {
          cwd: root,
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      );
      children.push(child);
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const next = async () => {
        const { value, done } = await lines.next();
        if (done) throw new Error(`the ${what} side stopped (exit ${child.exitCode ?? child.signalCode ?? '?'}); see its message above`);
        return JSON.parse(value);
      };
      return { what, child, next, ready: await next(), seconds: [], cpuSeconds: [] };
    };
    const so = await side('occam');
    const st = await side('ort');
    const load0 = loadavg()[0];
    for (let r = 0; r < repeats; r++) {
      for (const s of r % 2 ? [st, so] : [so, st]) {
        s.child.stdin.write('run\n');
        const x = await s.next();
        s.seconds.push(x.seconds);
        s.cpuSeconds.push(x.cpuSeconds);
      }
    }
    const load1 = loadavg()[0];
    for (const s of [so, st]) {
      s.child.stdin.write('done\n');
      s.peakRssMB = (await s.next()).peakRssMB;
      s.child.stdin.end();
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    const oS = median(so.seconds);
    const tS = median(st.seconds);
    const f = (x, d = 0) => x.toFixed(d);
    console.log(
      `extract ${name} occam_tok_s=${f(tokens / oS)} ort_tok_s=${f(tokens / tS)} ratio=${(tS / oS).toFixed(3)} cpu_ratio=${(median(st.cpuSeconds) / median(so.cpuSeconds)).toFixed(3)} peak_rss_mb=${f(so.peakRssMB)} model_mb=${f(modelMB)} ` +
        `(rss/model ${(so.peakRssMB / modelMB).toFixed(2)}; plain ort peak_rss_mb=${f(st.peakRssMB)})`,
    );
    console.log(
      `extract ${name} seconds occam=${so.seconds.map((x) => f(x, 2)).join(',')} ort=${st.seconds.map((x) => f(x, 2)).join(',')} cpu_s occam=${f(median(so.cpuSeconds), 2)} ort=${f(median(st.cpuSeconds), 2)} ` +
        `warm-up occam=${f(so.ready.warmupSeconds, 1)} ort=${f(st.ready.warmupSeconds, 1)} prompts=${count} tokens=${tokens} batch=${batchSize} threads=${threads} repeats=${repeats} load_1m=${f(load0, 1)}/${f(load1, 1)}`,
    );

    for (const n of rssCounts) {
      const cond = join(dir, `condition-${n}.json`);
      writeFileSync(cond, JSON.stringify({ ...condition, count: n }));
      const t0 = performance.now();
      const command = [
        cli,
        'lm',
        'extract',
        '--model',
        modelDir,
        '--condition',
        cond,
        '--behaviour',
        'next-token-correct',
        '--out',
        join(dir, `ds-${n}`),
        '--json',
      ];
      const timed = existsSync('/usr/bin/time');
      const { stdout, stderr } = await promisify(execFile)(
        timed ? '/usr/bin/time' : process.execPath,
        timed ? ['-f', 'occam-size-maxrss-kb=%M', process.execPath, ...command] : command,
        { maxBuffer: 1 << 26 },
      );
      const seconds = (performance.now() - t0) / 1000;
      const summary = JSON.parse(stdout.trim().split('\n').pop());
      const extractRss = summary.peakRssBytes / 2 ** 20;
      const kb = /occam-size-maxrss-kb=(\d+)/.exec(stderr)?.[1];
      const rss = kb ? Number(kb) / 1024 : extractRss;
      console.log(
        `extract ${name} cli_rss prompts=${n} peak_rss_mb=${f(rss)} rss_per_model=${(rss / modelMB).toFixed(2)} extract_rss_mb=${f(extractRss)} ` +
          `seconds=${f(seconds, 1)} atoms=${summary.atoms?.length ?? summary.atoms}${kb ? '' : ' whole_process=no'}`,
      );
      rmSync(join(dir, `ds-${n}`), { recursive: true, force: true });
    }
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}
