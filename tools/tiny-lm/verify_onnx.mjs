// Runs an ONNX graph with onnxruntime-node on cases written by export.py and compares with PyTorch.
// usage: node verify_onnx.mjs MODEL.onnx CASES.json CASES.bin  -> prints one JSON line of max |diff| values
// CASES.json is an index ({dims, type, offset} per tensor); the values are raw little-endian int64/float32 in
// CASES.bin, read one tensor at a time, so a GPT-2-small-sized case set (~1 GB) never becomes one JS string.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

const [modelPath, casesPath, blobPath] = process.argv.slice(2);
const { tensor_names: names, cases } = JSON.parse(readFileSync(casesPath, 'utf8'));
const blob = openSync(blobPath, 'r');
const session = await ort.InferenceSession.create(modelPath);

function load(t) {
  const count = t.dims.reduce((a, b) => a * b, 1);
  const width = t.type === 'int64' ? 8 : 4;
  const bytes = new Uint8Array(count * width);
  let done = 0;
  while (done < bytes.length) {
    const n = readSync(blob, bytes, done, bytes.length - done, t.offset + done);
    if (n === 0) throw new Error(`${blobPath}: ends before tensor at byte ${t.offset} (${bytes.length} bytes)`);
    done += n;
  }
  const data = t.type === 'int64' ? new BigInt64Array(bytes.buffer) : new Float32Array(bytes.buffer);
  return { dims: t.dims, type: t.type, data };
}
function toTensor(t) {
  const { data } = load(t);
  return new ort.Tensor(t.type, data, t.dims);
}
function maxAbs(t) {
  let m = 0;
  for (const x of t.data) m = Math.max(m, Math.abs(x));
  return m;
}
function maxDiff(got, want, label) {
  const same = got.dims.length === want.dims.length && got.dims.every((d, i) => Number(d) === want.dims[i]);
  if (!same) throw new Error(`${label}: shape ${JSON.stringify(got.dims)} != ${JSON.stringify(want.dims)}`);
  let m = 0;
  for (let i = 0; i < want.data.length; i++) m = Math.max(m, Math.abs(got.data[i] - want.data[i]));
  return m;
}

// intermediates are compared relative to their own scale (residual streams grow to |x| ~ 10-100):
// max_intermediates = max |onnx - torch| / max(1, max |torch|)
const res = { n_cases: cases.length, max_logits: 0, max_presents: 0, max_intermediates: 0, worst_intermediate: null, n_intermediates: 0, per_case: [] };
for (const c of cases) {
  const feeds = {};
  for (const [k, v] of Object.entries(c.feeds)) if (session.inputNames.includes(k)) feeds[k] = toTensor(v);
  const fetch = [...Object.keys(c.expect)];
  const inter = Object.keys(c.intermediates);
  for (const key of inter) if (!fetch.includes(names[key])) fetch.push(names[key]);
  const out = await session.run(feeds, fetch);
  const row = { name: c.name };
  for (const [k, ref] of Object.entries(c.expect)) {
    const want = load(ref);
    const d = maxDiff(out[k], want, `${c.name}/${k}`);
    if (k === 'logits') res.max_logits = Math.max(res.max_logits, d);
    else res.max_presents = Math.max(res.max_presents, d);
    row[k] = d;
  }
  for (const key of inter) {
    const want = load(c.intermediates[key]);
    const d = maxDiff(out[names[key]], want, `${c.name}/${key} (${names[key]})`) / Math.max(1, maxAbs(want));
    if (d > res.max_intermediates) {
      res.max_intermediates = d;
      res.worst_intermediate = `${key} in "${c.name}" (scale ${maxAbs(want).toFixed(2)})`;
    }
    row[key] = d;
  }
  res.n_intermediates = Math.max(res.n_intermediates, inter.length);
  res.per_case.push(row);
}
closeSync(blob);
console.log(JSON.stringify(res));
