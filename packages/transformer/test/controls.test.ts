import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitReducedModel, mulberry32, OccamError, readDataset, type Dataset } from '@occam/core';
import {
  architectureDifferences,
  extractWithControl,
  LanguageModel,
  loadCondition,
  loadControlModel,
  normTensors,
  padBatch,
  runLmExtractWithControl,
  weightTensors,
  writeRandomWeightsControl,
  type PromptSet,
  type RandomWeightsControl,
} from '@occam/transformer';
import { encodeFloatsInto } from '../src/controls/tensorEncoding.js';
import { float32ToFloat16 } from '../src/onnx/float16.js';
import { readTensorFloat32, type OnnxModel } from '@occam/transformer';
import { needs, tinyLlama, tinyLlamaPast, tinyLm } from './fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'occam-controls-'));

async function logitsOf(model: LanguageModel, prompts: number[][]): Promise<Float32Array> {
  const { logits } = await model.run(padBatch(prompts, 'right', model.padId));
  return logits.data;
}

/** Values of every weight and norm tensor of a loaded model, by name. */
async function tensors(model: LanguageModel): Promise<{ weights: Map<string, Float32Array>; norms: Map<string, Float32Array> }> {
  const weights = new Map<string, Float32Array>();
  const norms = new Map<string, Float32Array>();
  for (const w of weightTensors(model.graph, model.structure)) weights.set(w.key, await model.weight(w.ref));
  for (const n of normTensors(model.graph, model.structure)) norms.set(n.key, await model.weight(n.ref));
  return { weights, norms };
}

function meanStd(v: Float32Array): [number, number] {
  let s = 0;
  for (const x of v) s += x;
  const m = s / v.length;
  let ss = 0;
  for (const x of v) ss += (x - m) ** 2;
  return [m, Math.sqrt(ss / v.length)];
}

/**
 * The checks every control must pass against its source: same graph size (patched in place), every weight
 * re-drawn with its own mean and standard deviation (within sampling error: 5 standard errors), norm scales
 * and shifts identical, logits different.
 */
async function expectControlOf(source: LanguageModel, control: LanguageModel, info: RandomWeightsControl) {
  expect(statSync(control.directory.onnxPath).size).toBe(statSync(source.directory.onnxPath).size);
  const a = await tensors(source);
  const b = await tensors(control);
  expect([...b.weights.keys()].sort()).toEqual([...a.weights.keys()].sort());
  expect(info.redrawn.length).toBe(a.weights.size);
  for (const [name, orig] of a.weights) {
    const drawn = b.weights.get(name)!;
    const [m0, s0] = meanStd(orig);
    const [m1, s1] = meanStd(drawn);
    const n = orig.length;
    expect(Math.abs(m1 - m0), `${name}: mean ${m1} vs ${m0}`).toBeLessThanOrEqual((5 * s0) / Math.sqrt(n) + 1e-6);
    expect(Math.abs(s1 / s0 - 1), `${name}: std ${s1} vs ${s0}`).toBeLessThanOrEqual(5 / Math.sqrt(2 * n) + 1e-6);
    // re-drawn, not copied
    let same = 0;
    for (let i = 0; i < n; i++) if (orig[i] === drawn[i]) same++;
    expect(same, `${name}: ${same} of ${n} values unchanged`).toBeLessThan(Math.max(2, n / 100));
  }
  expect(a.norms.size).toBeGreaterThan(0);
  for (const [name, orig] of a.norms) expect(Array.from(b.norms.get(name)!), `norm ${name}`).toEqual(Array.from(orig));
  const prompt = [[source.tokenizer.bosId ?? 1, 5, 6, 7, 8, 9, 5, 6, 7]];
  const la = await logitsOf(source, prompt);
  const lb = await logitsOf(control, prompt);
  let d = 0;
  for (let i = 0; i < la.length; i++) d = Math.max(d, Math.abs(la[i] - lb[i]));
  expect(d).toBeGreaterThan(0.1);
  expect(Array.from(lb).every(Number.isFinite)).toBe(true);
  expect(await architectureDifferences(source, control)).toEqual([]);
  expect(control.directory.config.occam).toMatchObject({ control: { kind: 'random-weights', seed: info.seed, source: source.directory.dir } });
}

describe('float16 encoding of re-drawn weights', () => {
  it('rounds to the nearest half (even on ties), subnormals and overflow included', () => {
    expect(float32ToFloat16(1)).toBe(0x3c00);
    expect(float32ToFloat16(-2)).toBe(0xc000);
    expect(float32ToFloat16(65504)).toBe(0x7bff);
    expect(float32ToFloat16(1e6)).toBe(0x7c00);
    expect(float32ToFloat16(2 ** -24)).toBe(0x0001);
    expect(float32ToFloat16(2 ** -26)).toBe(0);
    expect(float32ToFloat16(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(float32ToFloat16(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(float32ToFloat16(0.1)).toBe(0x2e66);
  });

  it('a float16 / float64 raw_data range written by encodeFloatsInto reads back (readTensorFloat32) as the values rounded to that type', async () => {
    const values = Float64Array.from({ length: 257 }, (_, i) => Math.sin(i) * 3 * 10 ** ((i % 7) - 4));
    for (const [dataType, width, tol] of [
      [10, 2, 2 ** -11],
      [11, 8, 1e-7],
      [1, 4, 2 ** -24],
    ] as const) {
      const bytes = new Uint8Array(16 + values.length * width);
      encodeFloatsInto(values, dataType, bytes.subarray(16), 'w');
      const model = { bytes } as unknown as OnnxModel;
      const back = await readTensorFloat32(
        model,
        { name: 'w', dims: [values.length], dataType, raw: { start: 16, end: bytes.length }, values: null, external: null },
        tmp,
      );
      values.forEach((v, i) => expect(Math.abs(back[i] - v)).toBeLessThanOrEqual(Math.max(Math.abs(v) * tol, 2 ** -24)));
    }
    expect(() => encodeFloatsInto(values, 10, new Uint8Array(3), 'w')).toThrow(/3 bytes of data for 257 values/);
    expect(() => encodeFloatsInto(values, 7, new Uint8Array(8 * 257), 'w')).toThrow(/not a float type/);
  });
});

describe('random-weights control of the Llama-layout fixtures (external data; past_key_values inputs)', () => {
  for (const [label, dir] of [
    ['external data', tinyLlama],
    ['past_key_values', tinyLlamaPast],
  ] as const) {
    it(`${label}: weights re-drawn to their own mean and std, norms kept, logits differ, same architecture`, async () => {
      const out = join(tmp, `llama-${label.replace(/\W/g, '')}`);
      const info = await writeRandomWeightsControl(dir, out, { seed: 7 });
      const source = await LanguageModel.load(dir, { threads: 1 });
      const control = await LanguageModel.load(out, { threads: 1 });
      try {
        await expectControlOf(source, control, info);
        // external data is patched in its own file, same length; the tokenizer is copied
        for (const f of source.directory.externalData) {
          const name = f.slice(source.directory.dir.length);
          expect(statSync(join(out, name)).size).toBe(statSync(f).size);
          expect(readFileSync(join(out, name)).equals(readFileSync(f))).toBe(false);
        }
        expect(readFileSync(join(out, 'tokenizer.json'), 'utf8')).toBe(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
      } finally {
        await source.dispose();
        await control.dispose();
      }
    });
  }
});

const trained = tinyLm('induction-2l-s1');
const untrained = tinyLm('induction-2l-random');
describe.skipIf(!trained)(needs('random-weights control of the tiny-lm GPT-2 export', trained, 'induction-2l-s1'), () => {
  let source: LanguageModel;
  let control: LanguageModel;
  let info: RandomWeightsControl;
  const out = join(tmp, 'gpt2-control');
  beforeAll(async () => {
    info = await writeRandomWeightsControl(trained!, out, { seed: 3 });
    source = await LanguageModel.load(trained!, { threads: 1 });
    control = await LanguageModel.load(out, { threads: 1 });
  });
  afterAll(async () => {
    await source?.dispose();
    await control?.dispose();
  });

  it('weights re-drawn to their own mean and std, norms kept, logits differ, same architecture; the tied unembedding stays tied', async () => {
    await expectControlOf(source, control, info);
    expect(info.redrawn.map((r) => r.role).sort()).toContain('embedding');
    const tied = info.redrawn.filter((r) => r.tiedTo !== null);
    expect(tied.length).toBe(1); // wte and the unembedding (its transposed copy)
    const w = await tensors(control);
    const a = w.weights.get(tied[0].name)!;
    const b = w.weights.get(tied[0].tiedTo!)!;
    const [rows, cols] = info.redrawn.find((r) => r.name === tied[0].name)!.dims;
    for (let r = 0; r < rows; r += 7) for (let c = 0; c < cols; c += 5) expect(a[r * cols + c]).toBe(b[c * rows + r]);
  });

  it('deterministic by seed: the same seed writes the same bytes, another seed other weights', async () => {
    await writeRandomWeightsControl(trained!, join(tmp, 'gpt2-again'), { seed: 3 });
    await writeRandomWeightsControl(trained!, join(tmp, 'gpt2-seed4'), { seed: 4 });
    const graph = (dir: string) => readFileSync(join(dir, 'onnx', 'model.onnx'));
    expect(graph(join(tmp, 'gpt2-again')).equals(graph(out))).toBe(true);
    expect(graph(join(tmp, 'gpt2-seed4')).equals(graph(out))).toBe(false);
    // an existing foreign folder is not replaced without force; the model's own folder never
    await expect(writeRandomWeightsControl(trained!, tmp, { seed: 3 })).rejects.toThrow(/already exists and was not written by occam/);
    await expect(writeRandomWeightsControl(trained!, trained!, { seed: 3, force: true })).rejects.toThrow(/would overlap the model folder/);
    await expect(writeRandomWeightsControl(trained!, join(trained!, 'control'), { seed: 3 })).rejects.toThrow(/would overlap the model folder/);
  });

  it('the control runs through the same extraction: same prompts, atoms and trials, in the same order; labels carried', async () => {
    const prompts: PromptSet = await loadCondition(
      { kind: 'repeated-random', period: 10, count: 40, seed: 5 },
      { size: source.vocabSize, tokenizer: source.tokenizer },
    );
    // per-trial labels, as a mixture condition gives them
    prompts.prompts = prompts.prompts.map((p, i) => ({ ...p, label: i % 2 ? 'copy' : 'periodic' }));
    const r = await extractWithControl(source, control, prompts, { kind: 'next-token-correct' });
    const tm = r.trained.dataset.manifest;
    const cm = r.control.dataset.manifest;
    expect(cm.atoms).toEqual(tm.atoms);
    expect(cm.trialIds).toEqual(tm.trialIds);
    expect(r.trialIds).toEqual(prompts.prompts.map((p) => p.id));
    expect(r.labels).toEqual(prompts.prompts.map((_, i) => (i % 2 ? 'copy' : 'periodic')));
    expect(tm.metadata.trialLabels).toEqual(r.labels);
    expect(cm.metadata.trialLabels).toEqual(r.labels);
    expect(cm.metadata.control).toMatchObject({ kind: 'random-weights', seed: 3, source: source.directory.dir });
    expect(tm.metadata.pairedControl).toMatchObject({ kind: 'random-weights', seed: 3 });
    // the prompt atoms are the same, the model's are not; so is the behaviour (the control is rarely right)
    const atoms = tm.atoms;
    const per = tm.nTrials * tm.nBins;
    const differs = (a: number) => {
      for (let i = a * per; i < (a + 1) * per; i++) if (r.trained.dataset.inputs[i] !== r.control.dataset.inputs[i]) return true;
      return false;
    };
    atoms.forEach((atom, a) => expect(differs(a), atom.id).toBe(atom.attributes.component !== 'input-pattern'));
    expect(r.control.summary.events!).toBeLessThan(r.trained.summary.events! / 4);
  });

  it.skipIf(!untrained)('a user-given control folder: accepted when the architecture matches, refused with the differences when not', async () => {
    const c = await loadControlModel(untrained!, source, { threads: 1 });
    await c.dispose();
    const err = await loadControlModel(tinyLlama, source, { threads: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(OccamError);
    expect(err.message).toMatch(/does not have the architecture of/);
    expect(err.message).toMatch(/vocabulary size 24 \(trained: 68\)/);
    expect(err.message).toMatch(/blocks\.0\.attn\.hook_z: shape/);
    await expect(loadControlModel(trained!, source, { threads: 1 })).rejects.toThrow(/is the trained model itself/);
  });

  it('runLmExtractWithControl writes both Datasets and the control model, and reuses that model', async () => {
    const args = {
      model: trained!,
      condition: { kind: 'repeated-random' as const, period: 10, count: 12, seed: 2 },
      behaviour: 'next-token-correct',
      out: join(tmp, 'run-trained'),
      controlOut: join(tmp, 'run-control'),
      control: { kind: 'random-weights' as const, seed: 9 },
      threads: 1,
    };
    const r = await runLmExtractWithControl(args);
    expect(r.control.model).toBe(join(tmp, 'run-control.model'));
    expect(r.control.info).toMatchObject({ kind: 'random-weights', seed: 9 });
    const [t, c] = await Promise.all([readDataset(args.out), readDataset(args.controlOut)]);
    expect(c.manifest.trialIds).toEqual(t.manifest.trialIds);
    expect(c.manifest.atoms.map((a) => a.id)).toEqual(t.manifest.atoms.map((a) => a.id));
    const before = statSync(join(r.control.model, 'onnx', 'model.onnx')).mtimeMs;
    await runLmExtractWithControl(args);
    expect(statSync(join(r.control.model, 'onnx', 'model.onnx')).mtimeMs).toBe(before);
    // a user-given control folder of another architecture is refused before anything is written
    await expect(runLmExtractWithControl({ ...args, control: tinyLlama, out: join(tmp, 'x'), controlOut: join(tmp, 'y') })).rejects.toThrow(
      /does not have the architecture/,
    );
    expect(() => statSync(join(tmp, 'x'))).toThrow();
  });
});

describe.skipIf(!trained)(needs('what a control shows on the induction model (stochastic copy prompts, lag 10)', trained, 'induction-2l-s1'), () => {
  it('answer-reading atoms "explain" the random-weights control as well as the trained model; the default atoms explain only the trained one', async () => {
    const rand = mulberry32(31);
    const lines: string[] = [];
    for (let s = 0; s < 600; s++) {
      const tokens = [1];
      for (let i = 1; i < 31; i++) tokens.push(i > 10 && rand() < 0.7 ? tokens[i - 10] : 4 + Math.floor(rand() * 64));
      lines.push(JSON.stringify({ tokens }));
    }
    const file = join(tmp, 'copy.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const out = join(tmp, 'demo-control');
    await writeRandomWeightsControl(trained!, out, { seed: 1 });
    const source = await LanguageModel.load(trained!, { threads: 1 });
    const control = await LanguageModel.load(out, { threads: 1 });
    const spec = (groupBy: string[]) => ({
      groupBy,
      includeReadoutAtoms: true, // a spec leaves readsReadout atoms out otherwise; here they are the point
      temporal: { minLag: 0, maxLag: 0, basis: { kind: 'raw' as const } },
      family: 'bernoulli' as const,
      regularization: { ridge: 1, smoothness: 0 },
      validation: { kind: 'split' as const, testFraction: 0.3, seed: 0 },
    });
    const measure = (ds: Dataset, groupBy: string[]) => {
      const m = fitReducedModel(ds, spec(groupBy)).metrics.test;
      return { auroc: m.model.auroc!, psth: m.psth.auroc!, bits: m.gainOverPsth.bitsPerEvent! };
    };
    try {
      const prompts = await loadCondition(file, { size: source.vocabSize, tokenizer: source.tokenizer });
      const readout = await extractWithControl(
        source,
        control,
        prompts,
        { kind: 'next-token-correct' },
        { atoms: { families: ['embed-direct', 'head-direct', 'mlp-direct'], includeReadoutAtoms: true } },
      );
      const dflt = await extractWithControl(source, control, prompts, { kind: 'next-token-correct' });
      expect(readout.control.summary.readoutNote).toMatch(/read the answer/);
      const byComponent = ['component', 'layer', 'sign'];
      const byPattern = ['component', 'layer', 'head', 'feature', 'offset'];
      const r = { trained: measure(readout.trained.dataset, byComponent), control: measure(readout.control.dataset, byComponent) };
      const d = { trained: measure(dflt.trained.dataset, byPattern), control: measure(dflt.control.dataset, byPattern) };
      console.info(
        `[controls] events trained ${dflt.trained.summary.events}, control ${dflt.control.summary.events} of ${dflt.trained.summary.scoredBins}; readout atoms ${JSON.stringify(r)}; default atoms ${JSON.stringify(d)}`,
      );
      // the readout atoms predict the control's behaviour (they decompose its logit) as well as the trained model's
      expect(r.control.auroc).toBeGreaterThan(0.9);
      expect(r.control.bits).toBeGreaterThan(0.5 * r.trained.bits);
      // the default atoms: a clear gain over position for the trained model, far less for the control
      expect(d.trained.bits).toBeGreaterThan(0.3);
      expect(d.control.bits).toBeLessThan(0.5 * d.trained.bits);
    } finally {
      await source.dispose();
      await control.dispose();
    }
  }, 600_000);
});
