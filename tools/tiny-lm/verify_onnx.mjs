// Runs an ONNX graph with onnxruntime-node on cases written by export.py and compares with PyTorch.
// usage: node verify_onnx.mjs MODEL.onnx CASES.json  -> prints one JSON line of max |diff| values
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

const [modelPath, casesPath] = process.argv.slice(2);
const { tensor_names: names, cases } = JSON.parse(readFileSync(casesPath, 'utf8'));
const session = await ort.InferenceSession.create(modelPath);

function toTensor(t) {
  if (t.type === 'int64') return new ort.Tensor('int64', BigInt64Array.from(t.data.map(BigInt)), t.dims);
  return new ort.Tensor('float32', Float32Array.from(t.data), t.dims);
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
  for (const [k, want] of Object.entries(c.expect)) {
    const d = maxDiff(out[k], want, `${c.name}/${k}`);
    if (k === 'logits') res.max_logits = Math.max(res.max_logits, d);
    else res.max_presents = Math.max(res.max_presents, d);
    row[k] = d;
  }
  for (const key of inter) {
    const want = c.intermediates[key];
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
console.log(JSON.stringify(res));
