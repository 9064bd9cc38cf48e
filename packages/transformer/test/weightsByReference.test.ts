import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseOnnxModel } from '../src/onnx/onnxModel.js';
import { readTensorFloat32 } from '../src/onnx/tensorData.js';
import { referenceInlineWeights, referenceWeightsInFile } from '../src/model-dir/weightsByReference.js';

// A committed tiny-lm export (torch.onnx.export's own protobuf), so the rewrite meets a real writer's framing.
const dir = fileURLToPath(new URL('../../../data/models/induction-2l-s1/onnx', import.meta.url));
const file = `${dir}/model.onnx`;

describe('large initializers referenced in the model file (weightsByReference)', () => {
  const bytes = new Uint8Array(readFileSync(file));
  const original = parseOnnxModel(bytes, file);

  it('keeps every node, input, output and initializer, with the same values read from the file by reference', async () => {
    const slimBytes = referenceInlineWeights(bytes, file)!;
    expect(slimBytes).not.toBeNull();
    expect(slimBytes.length).toBeLessThan(bytes.length / 4);
    const slim = parseOnnxModel(slimBytes, file);
    expect(slim.graph.nodes.map((n) => [n.opType, n.name, n.inputs, n.outputs])).toEqual(
      original.graph.nodes.map((n) => [n.opType, n.name, n.inputs, n.outputs]),
    );
    expect(slim.graph.inputs).toEqual(original.graph.inputs);
    expect(slim.graph.outputs).toEqual(original.graph.outputs);
    expect([...slim.graph.initializers.keys()]).toEqual([...original.graph.initializers.keys()]);
    let referenced = 0;
    for (const [name, ref] of original.graph.initializers) {
      const s = slim.graph.initializers.get(name)!;
      expect(s.dims, name).toEqual(ref.dims);
      if (s.external) {
        referenced++;
        expect(s.external.location).toBe('model.onnx');
        expect(ref.raw!.end - ref.raw!.start).toBeGreaterThanOrEqual(1024);
      }
      if (ref.dataType === 1) expect(await readTensorFloat32(slim, s, dir), name).toEqual(await readTensorFloat32(original, ref, dir));
    }
    expect(referenced).toBeGreaterThan(5);
  });

  it('gives the same bytes when walking the file on disk as when rewriting it in memory', () => {
    expect(referenceWeightsInFile(file, 1024, 0)).toEqual(referenceInlineWeights(bytes, file));
    // below the file-size threshold the caller reads the file whole
    expect(referenceWeightsInFile(file)).toBeNull();
  });
});
