import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { OccamError, writeDirectoryAtomic } from '@occam/core';
import type { OnnxModel, TensorRef } from '../onnx/onnxModel.js';
import { parseConfigJson, type ModelDirectory } from './modelDirectory.js';

/** An external data location inside the graph's folder (never outside it). */
export function externalDataPath(graphDir: string, ref: TensorRef): string {
  const rel = normalize(ref.external!.location);
  if (isAbsolute(rel) || rel === '..' || rel.startsWith('..' + sep))
    throw new OccamError(`tensor '${ref.name}': external data location '${ref.external!.location}' leaves the model folder`);
  return join(graphDir, rel);
}

/** A copy written into (or over) the model folder it is made from would destroy its own source. */
export function refuseOverlap(what: string, out: string, dir: ModelDirectory): void {
  const target = resolve(out);
  if (target === dir.dir || target.startsWith(dir.dir + sep) || dir.dir.startsWith(target + sep))
    throw new OccamError(`${what}: the output ${out} would overlap the model folder ${dir.dir}; write it elsewhere`, { file: out });
}

/**
 * A copy of a local model folder whose weights are rewritten where they lie — a byte range of the graph's
 * raw_data or of an external data file — so the graph itself (nodes, names, shapes) is untouched and
 * onnxruntime runs the copy exactly as the original. Random-weights controls and in-graph ablations are made
 * this way; `write` lays the copy out as a new folder, atomically, beside the original's tokenizer and configs.
 */
export class WeightPatchedCopy {
  readonly graphDir: string;
  private readonly graphOut: Uint8Array;
  private readonly externalOut = new Map<string, Uint8Array>();

  constructor(
    readonly dir: ModelDirectory,
    graphBytes: Uint8Array,
    readonly onnx: OnnxModel,
  ) {
    this.graphDir = dirname(dir.onnxPath);
    this.graphOut = Uint8Array.from(graphBytes);
  }

  /**
   * The copy's bytes of a tensor (a view: writing into it patches the copy), or null when the tensor is stored
   * as float_data — varint-framed lists, not a fixed byte range this copy rewrites.
   */
  async bytesOf(ref: TensorRef, count: number, width: number): Promise<Uint8Array | null> {
    if (ref.raw) return this.graphOut.subarray(ref.raw.start, ref.raw.end);
    if (!ref.external) return null;
    const path = externalDataPath(this.graphDir, ref);
    if (!this.externalOut.has(path)) {
      const data = await readFile(path).catch(() => {
        throw new OccamError(`tensor '${ref.name}': external data file ${path} not found`, { file: path });
      });
      this.externalOut.set(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
    const length = ref.external.length ?? count * width;
    return this.externalOut.get(path)!.subarray(ref.external.offset, ref.external.offset + length);
  }

  /**
   * Write the copy to `out`: the top-level files (tokenizer, configs; no other graph or its data), config.json
   * with `occam` extended by `record` (what the copy is and where it came from), the patched graph, the patched
   * external data files, and unchanged every other external data file a tensor refers to (e.g. norms only).
   */
  async write(out: string, record: Record<string, unknown>, options: { force?: boolean } = {}): Promise<void> {
    const source = this.dir.dir;
    const configPath = join(source, 'config.json');
    const config = await readFile(configPath, 'utf8').then(
      (t) => parseConfigJson(t, configPath),
      () => ({}) as Record<string, unknown>,
    );
    const occam = typeof config.occam === 'object' && config.occam !== null ? (config.occam as Record<string, unknown>) : {};
    config.occam = { ...occam, ...record };
    const graphRel = relative(source, this.dir.onnxPath);
    await writeDirectoryAtomic(
      out,
      async (tmp) => {
        for (const entry of await readdir(source, { withFileTypes: true })) {
          if (!entry.isFile() || /\.onnx(_data(_\d+)?|\.data)?$/.test(entry.name) || entry.name === 'config.json') continue;
          await copyFile(join(source, entry.name), join(tmp, entry.name));
        }
        await writeFile(join(tmp, 'config.json'), JSON.stringify(config, null, 2) + '\n');
        await mkdir(dirname(join(tmp, graphRel)), { recursive: true });
        await writeFile(join(tmp, graphRel), this.graphOut);
        for (const [path, data] of this.externalOut) await writeFile(join(tmp, relative(source, path)), data);
        const referenced = new Set<string>();
        for (const ref of this.onnx.graph.initializers.values()) if (ref.external) referenced.add(externalDataPath(this.graphDir, ref));
        for (const path of referenced) if (!this.externalOut.has(path)) await copyFile(path, join(tmp, relative(source, path)));
      },
      { force: options.force },
    );
  }
}
