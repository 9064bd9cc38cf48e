import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OccamError } from '@occam/core';
import * as ort from 'onnxruntime-node';
import { appendGraph, appendGraphOutputs, discoverModelStructure, GraphFragment, GraphIndex, parseOnnxModel, ProtobufReader } from '@occam/transformer';
import { bytesField, encodeVarint, stringField, varintField } from '../src/onnx/protobufWriter.js';
import { tinyLlama } from './fixtures.js';

describe('protobuf reader', () => {
  it('reads varints, including 10-byte negative int64', () => {
    for (const v of [0, 1, 127, 128, 300, 2 ** 31, 2 ** 40 + 5]) {
      const r = new ProtobufReader(Uint8Array.from(encodeVarint(v)));
      expect(r.varint(0)[0]).toBe(v);
    }
    // -1 as int64 = ten bytes ff … 01
    const minusOne = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(new ProtobufReader(minusOne).varint(0)).toEqual([-1, 10]);
  });

  it('reports truncation with the byte position', () => {
    const r = new ProtobufReader(Uint8Array.from(bytesField(1, [1, 2, 3])).subarray(0, 3), 'x.onnx');
    expect(() => r.forEach(0, 3, () => {})).toThrow(/x\.onnx: truncated/);
  });
});

describe('ONNX model decoding and appended graph outputs', () => {
  const bytes = new Uint8Array(readFileSync(join(tinyLlama, 'onnx', 'model.onnx')));

  it('decodes nodes, initializers (external data) and graph inputs/outputs', () => {
    const m = parseOnnxModel(bytes);
    expect(m.graph.inputs.map((i) => i.name)).toEqual(['input_ids', 'attention_mask', 'position_ids']);
    expect(m.graph.outputs[0]).toMatchObject({ name: 'logits', elemType: 1, dims: ['batch_size', 'sequence_length', 24] });
    expect(m.graph.nodes.length).toBeGreaterThan(100);
    const norm = m.graph.initializers.get('model.norm.weight')!;
    expect(norm.dims).toEqual([16]);
    expect(norm.external).toMatchObject({ location: 'model.onnx_data' });
  });

  it('appending a ModelProto with graph.output entries merges into the original graph', () => {
    const extra = ['/model/layers.0/self_attn/Softmax_output_0', '/model/layers.1/Add_1_output_0'];
    const merged = appendGraphOutputs(
      bytes,
      extra.map((name) => ({ name })),
    );
    expect(Buffer.from(merged.subarray(0, bytes.length)).equals(Buffer.from(bytes))).toBe(true);
    const m = parseOnnxModel(merged);
    expect(m.graph.outputs.map((o) => o.name)).toEqual(['logits', ...extra]);
    expect(m.graph.nodes.length).toBe(parseOnnxModel(bytes).graph.nodes.length);
  });
});

describe('graph fragments: nodes, initializers and inputs appended to a model', () => {
  // a model that is nothing but a fragment: ModelProto { ir_version 7, opset_import { version } } + the fragment's graph
  const standalone = (opset: number, build: (f: GraphFragment) => void) => {
    const f = new GraphFragment('t/', opset);
    build(f);
    const header = Uint8Array.from([...varintField(1, 7), ...bytesField(8, varintField(2, opset))]);
    return appendGraph(header, f.encode());
  };

  for (const opset of [11, 17]) {
    it(`encodes ReduceSum in the form opset ${opset} wants, with int64 and float initializers; onnxruntime runs it`, async () => {
      const bytes = standalone(opset, (f) => {
        const x = f.input('x', 1, ['batch', 'pos', 4]);
        const sums = f.reduceSum(f.node('Relu', [x]), 2, 1); // [b, p, 1]
        const negs = f.reduceSum(f.node('Min', [x, f.float('zero', [], [0])]), 2, 1);
        const flat = f.node('Reshape', [x, f.int64('shape', [4], [0, 0, 2, -1])]); // [b, p, 2, 2]
        const halves = f.reduceSum(flat, 3, 0); // [b, p, 2]
        f.output(f.node('Concat', [sums, negs, halves], { axis: 2 }, 'y'));
      });
      const m = parseOnnxModel(bytes);
      expect(m.opsets).toEqual([{ domain: '', version: opset }]);
      const reduce = m.graph.nodes.find((n) => n.opType === 'ReduceSum')!;
      if (opset >= 13) expect(reduce.inputs).toHaveLength(2);
      else expect(reduce.attributes.get('axes')?.ints).toEqual([2]);
      expect(m.graph.inputs[0]).toEqual({ name: 'x', elemType: 1, dims: ['batch', 'pos', 4] });
      const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
      try {
        const x = Float32Array.from([1, -2, 3, -4, 0.5, 0.25, -1, 8]); // [1, 2, 4]
        const { y } = await session.run({ x: new ort.Tensor('float32', x, [1, 2, 4]) });
        expect(y.dims).toEqual([1, 2, 4]);
        expect(Array.from(y.data as Float32Array)).toEqual([4, -6, -1, -1, 8.75, -1, 0.75, 7]);
      } finally {
        await session.release();
      }
    });
  }

  it('appended to a real model, the fragment reads its tensors and adds an output; the original bytes are kept', async () => {
    const bytes = new Uint8Array(readFileSync(join(tinyLlama, 'onnx', 'model.onnx')));
    const original = parseOnnxModel(bytes);
    const f = new GraphFragment('t/', 14);
    f.output(f.reduceSum('logits', 2, 1));
    const merged = appendGraph(bytes, f.encode());
    expect(Buffer.from(merged.subarray(0, bytes.length)).equals(Buffer.from(bytes))).toBe(true);
    const m = parseOnnxModel(merged);
    expect(m.graph.nodes.length).toBe(original.graph.nodes.length + 1);
    expect(m.graph.initializers.size).toBe(original.graph.initializers.size + 1);
    expect(m.graph.outputs.map((o) => o.name)).toEqual(['logits', 't/ReduceSum_1']);
  });
});

/** A hand-encoded graph whose nodes carry no layer scope. */
function unscopedModel(): Uint8Array {
  const node = (name: string, op: string, inputs: string[], outputs: string[]) =>
    bytesField(1, [...inputs.flatMap((i) => stringField(1, i)), ...outputs.flatMap((o) => stringField(2, o)), ...stringField(3, name), ...stringField(4, op)]);
  const valueInfo = (name: string) => stringField(1, name);
  const graph = [
    ...node('/encoder/MatMul', 'MatMul', ['x', 'w'], ['/encoder/MatMul_output_0']),
    ...node('/encoder/Softmax', 'Softmax', ['/encoder/MatMul_output_0'], ['/encoder/Softmax_output_0']),
    ...node('/encoder/Add', 'Add', ['/encoder/Softmax_output_0', 'x'], ['y']),
    ...bytesField(11, valueInfo('x')),
    ...bytesField(12, valueInfo('y')),
  ];
  return Uint8Array.from([...varintField(1, 8), ...bytesField(7, graph)]);
}

describe('unknown layouts', () => {
  it('name the raw tensors a user can request instead', () => {
    const index = new GraphIndex(parseOnnxModel(unscopedModel()));
    let error: unknown;
    try {
      discoverModelStructure(index);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OccamError);
    const msg = (error as Error).message;
    expect(msg).toMatch(/unknown model layout/);
    expect(msg).toContain('/encoder/Softmax_output_0');
    expect(msg).toContain('/encoder/MatMul_output_0');
  });
});
