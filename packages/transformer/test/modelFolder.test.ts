import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OccamError } from '@occam/core';
import { checkExternalData, LanguageModel, padBatch, parseOnnxModel, resolveModelDirectory } from '@occam/transformer';
import { bytesField, stringField, varintField } from '../src/onnx/protobufWriter.js';
import { repoRoot, tinyLlama } from './fixtures.js';

const induction = join(repoRoot, 'data/models/induction-2l-s1');
const root = mkdtempSync(join(tmpdir(), 'occam-model-folder-'));
let n = 0;
/** A fresh copy of a model folder. */
const copy = (from: string) => {
  const to = join(root, `m${n++}`, 'model');
  cpSync(from, to, { recursive: true });
  return to;
};

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<OccamError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(OccamError);
    return e as OccamError;
  }
  throw new Error('expected an OccamError');
}

const onnxOf = (dir: string) => join(dir, 'onnx/model.onnx');
const parsed = (dir: string) => parseOnnxModel(new Uint8Array(readFileSync(onnxOf(dir))), onnxOf(dir));
/** Every external location of the Llama fixture ("model.onnx_data") rewritten to a same-length string. */
const relocate = (dir: string, location: string) => {
  const text = readFileSync(onnxOf(dir)).toString('latin1');
  writeFileSync(onnxOf(dir), Buffer.from(text.split('model.onnx_data').join(location), 'latin1'));
};

describe('ONNX external data is confined to the model folder', () => {
  it('accepts the fixture as exported (25 external tensors in onnx/model.onnx_data)', () => {
    const model = parsed(tinyLlama);
    expect([...model.graph.initializers.values()].filter((t) => t.external).length).toBeGreaterThan(0);
    expect(() => checkExternalData(model, onnxOf(tinyLlama))).not.toThrow();
  });

  it('rejects escaping, absolute, missing, non-regular, linked-out and short external files, naming the model file and the tensor', async () => {
    const cases: [string, (dir: string) => void, RegExp][] = [
      ['escape', (d) => relocate(d, '../outside.data'), /leaves the model folder/],
      ['absolute', (d) => relocate(d, '/etc/////passwd'), /is an absolute path/],
      ['missing', (d) => rmSync(join(d, 'onnx/model.onnx_data')), /does not exist \(looked for .*model\.onnx_data\)/],
      [
        'device',
        (d) => (rmSync(join(d, 'onnx/model.onnx_data')), symlinkSync('/dev/zero', join(d, 'onnx/model.onnx_data'))),
        /is not a regular file \(a device, pipe or socket\)/,
      ],
      [
        'link out',
        (d) => {
          cpSync(join(d, 'onnx/model.onnx_data'), join(d, '../outside.data'));
          rmSync(join(d, 'onnx/model.onnx_data'));
          symlinkSync(join(d, '../outside.data'), join(d, 'onnx/model.onnx_data'));
        },
        /is a link to .*outside\.data, outside the model folder/,
      ],
      ['short', (d) => writeFileSync(join(d, 'onnx/model.onnx_data'), new Uint8Array(64)), /has 64 bytes, fewer than the \d+ this tensor needs/],
    ];
    for (const [what, edit, re] of cases) {
      const dir = copy(tinyLlama);
      edit(dir);
      const e = await errorOf(() => checkExternalData(parsed(dir), onnxOf(dir)));
      expect(e.message, what).toMatch(new RegExp(`^${onnxOf(dir)}: tensor '[^']+' keeps its data in external file`));
      expect(e.message, what).toMatch(re);
      expect(e.where?.file).toBe(onnxOf(dir));
      // and LanguageModel.load stops there, before onnxruntime or any weight read
      expect((await errorOf(LanguageModel.load(dir))).message, what).toBe(e.message);
    }
  });

  it('checks an external initializer appended to a graph that otherwise has none', async () => {
    const dir = copy(induction);
    const tensor = [
      ...varintField(1, 4),
      ...varintField(2, 1),
      ...stringField(8, 'probe'),
      ...bytesField(13, [...stringField(1, 'location'), ...stringField(2, 'sub/../../x.bin')]),
      ...varintField(14, 1),
    ];
    writeFileSync(onnxOf(dir), Buffer.concat([readFileSync(onnxOf(dir)), Uint8Array.from(bytesField(7, bytesField(5, tensor)))]));
    expect((await errorOf(LanguageModel.load(dir))).message).toMatch(
      /tensor 'probe' keeps its data in external file 'sub\/\.\.\/\.\.\/x\.bin', which leaves the model folder/,
    );
  });
});

describe('model folders and onnxruntime failures', () => {
  it('names the missing or malformed file', async () => {
    const noConfig = copy(induction);
    rmSync(join(noConfig, 'config.json'));
    expect((await errorOf(resolveModelDirectory(noConfig))).message).toMatch(/config\.json: missing/);
    const badConfig = copy(induction);
    writeFileSync(join(badConfig, 'config.json'), '{');
    expect((await errorOf(resolveModelDirectory(badConfig))).message).toMatch(new RegExp(`^${join(badConfig, 'config.json')}: not valid JSON`));
    const noTok = copy(induction);
    rmSync(join(noTok, 'tokenizer.json'));
    expect((await errorOf(LanguageModel.load(noTok))).message).toMatch(new RegExp(`^${join(noTok, 'tokenizer.json')}: missing`));
    const truncated = copy(induction);
    writeFileSync(onnxOf(truncated), readFileSync(onnxOf(truncated)).subarray(0, 5000));
    expect((await errorOf(LanguageModel.load(truncated))).message).toMatch(new RegExp(`^${onnxOf(truncated)}: .*not a readable ONNX model`));
    expect((await errorOf(resolveModelDirectory('org/name'))).message).toMatch(/hub id, and downloading is off: pass --allow-remote/);
  });

  it("wraps onnxruntime's load failure naming the model file", async () => {
    const dir = copy(induction);
    const node = [...stringField(1, 'input_ids'), ...stringField(2, 'bogus_out'), ...stringField(4, 'NoSuchOperator')];
    writeFileSync(onnxOf(dir), Buffer.concat([readFileSync(onnxOf(dir)), Uint8Array.from(bytesField(7, bytesField(1, node)))]));
    const model = await LanguageModel.load(dir);
    try {
      const e = await errorOf(model.run(padBatch([[1, 5, 6]], 'right', 0)));
      expect(e.message).toMatch(new RegExp(`^${onnxOf(dir)}: onnxruntime cannot load the model: .*NoSuchOperator`));
    } finally {
      await model.dispose();
    }
  });

  it('knows the context (position table rows) and refuses a longer batch before onnxruntime sees it', async () => {
    const model = await LanguageModel.load(induction);
    try {
      expect(model.tokenizer.contextLength).toBe(32);
      const e = await errorOf(model.run(padBatch([Array.from({ length: 33 }, (_, i) => 4 + i)], 'right', 0)));
      expect(e.message).toBe(`${onnxOf(induction)}: a prompt of 33 tokens is longer than the model's context of 32 positions`);
      const ok = await model.run(padBatch([Array.from({ length: 32 }, (_, i) => 4 + i)], 'right', 0));
      expect(ok.logits.dims).toEqual([1, 32, 68]);
    } finally {
      await model.dispose();
    }
  });
});
