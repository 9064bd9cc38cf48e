import { realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, normalize, resolve, sep } from 'node:path';
import { OccamError } from '@occam/core';
import type { OnnxModel, TensorRef } from '../onnx/onnxModel.js';
import { isInside } from './modelDirectory.js';

const BYTES_PER_ELEMENT: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };

/**
 * Every external-data reference of the graph (initializers and Constant node tensors) names a regular
 * file inside the model's folder, and its byte range lies within that file. Checked from the protobuf
 * before onnxruntime sees the model, so a model cannot make occam (or onnxruntime) read `/etc/passwd`,
 * `../../secret` or `/dev/zero`, and every rejection names the model file and the tensor.
 */
export function checkExternalData(onnx: OnnxModel, onnxPath: string): void {
  const folder = dirname(onnxPath);
  let realFolder = folder;
  try {
    realFolder = realpathSync(folder);
  } catch {
    /* the graph was just read from it */
  }
  const refs: TensorRef[] = [...onnx.graph.initializers.values()];
  for (const node of onnx.graph.nodes) for (const a of node.attributes.values()) if (a.t) refs.push(a.t);
  const sizes = new Map<string, number>();
  for (const t of refs) {
    if (!t.external) continue;
    const loc = t.external.location;
    const reject = (why: string, what = 'move the data file into the model folder and name it by a relative path') =>
      new OccamError(`${onnxPath}: tensor '${t.name}' keeps its data in external file '${loc}', which ${why}; ${what}`, { file: onnxPath, field: t.name });
    if (loc === '') throw reject('is empty (no location)', 'the model file is damaged; export it again');
    if (loc.includes('\0')) throw reject('contains a NUL byte', 'the model file is damaged; export it again');
    if (isAbsolute(loc) || /^[a-zA-Z]:[\\/]/.test(loc) || loc.startsWith('\\')) throw reject('is an absolute path (external data must sit beside the model)');
    const norm = normalize(loc.replace(/\\/g, '/'));
    if (norm === '..' || norm.startsWith('..' + sep) || norm.startsWith('../')) throw reject('leaves the model folder');
    const path = resolve(folder, norm);
    if (!isInside(folder, path)) throw reject('leaves the model folder');
    let size = sizes.get(path);
    if (size === undefined) {
      let info;
      try {
        info = statSync(path);
      } catch {
        throw reject(`does not exist (looked for ${path})`, 'copy the data file next to the model');
      }
      if (!info.isFile()) throw reject(`is not a regular file (${info.isDirectory() ? 'a folder' : 'a device, pipe or socket'})`);
      if (!isInside(realFolder, realpathSync(path))) throw reject(`is a link to ${realpathSync(path)}, outside the model folder`);
      size = info.size;
      sizes.set(path, size);
    }
    const { offset, length } = t.external;
    const count = t.dims.reduce((a, b) => a * b, 1);
    const width = BYTES_PER_ELEMENT[t.dataType];
    const need = length ?? (width !== undefined ? count * width : null);
    if (!Number.isFinite(offset) || offset < 0 || (need !== null && (!Number.isFinite(need) || need < 0)))
      throw reject(`has an invalid offset ${offset} or length ${need}`, 'the model file is damaged; export it again');
    if (need !== null && offset + need > size)
      throw reject(
        `has ${size} bytes, fewer than the ${offset + need} this tensor needs (offset ${offset} + length ${need})`,
        'the data file is truncated or belongs to another export',
      );
  }
}
