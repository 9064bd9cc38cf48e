import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { OccamError } from '@occam/core';

/** A Hugging Face-style model folder on disk: config.json, tokenizer files, an ONNX graph. */
export interface ModelDirectory {
  /** Absolute path of the folder. */
  dir: string;
  /** Parsed config.json ({} when the folder has none). */
  config: Record<string, unknown>;
  /** Absolute path of the ONNX graph used. */
  onnxPath: string;
  /** External data files next to the graph (`model.onnx_data`, …). */
  externalData: string[];
  /** Where the folder came from: a local path, or a hub id fetched with allowRemote. */
  source: { kind: 'local'; path: string } | { kind: 'hub'; id: string };
}

export interface ModelDirectoryOptions {
  /** Allow a Hugging Face hub id (downloads into ~/.cache/occam/hub). Off by default: local folders only. */
  allowRemote?: boolean;
  /** The ONNX file inside the folder; default: the first of onnx/model.onnx, model.onnx, onnx/decoder_model.onnx. */
  onnxFile?: string;
}

const ONNX_CANDIDATES = ['onnx/model.onnx', 'model.onnx', 'onnx/decoder_model.onnx'];
const HUB_ID = /^[\w.-]+\/[\w.-]+$/;
/** config.json is a few kB; parse nothing larger than this. */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/** `path` is `root` or below it (both already resolved). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel));
}

/**
 * Resolve a model folder. A path that exists is used as is (nothing is fetched); a hub id is accepted
 * only with `allowRemote: true`, and then config, tokenizer and the ONNX file are downloaded once.
 */
export async function resolveModelDirectory(pathOrId: string, options: ModelDirectoryOptions = {}): Promise<ModelDirectory> {
  const local = resolve(pathOrId);
  if (existsSync(local)) {
    if (!statSync(local).isDirectory())
      throw new OccamError(`${pathOrId}: expected a model folder (config.json, tokenizer.json, onnx/model.onnx), got a file`, { file: pathOrId });
    return describeFolder(local, options.onnxFile, { kind: 'local', path: local });
  }
  if (!HUB_ID.test(pathOrId)) throw new OccamError(`model folder ${pathOrId} not found`, { file: pathOrId });
  if (!options.allowRemote) {
    throw new OccamError(
      `model folder ${pathOrId} not found locally; '${pathOrId}' looks like a Hugging Face hub id, and downloading is off: pass --allow-remote (allowRemote: true in the API) to fetch it, or give the path of a local folder`,
      { file: pathOrId },
    );
  }
  const dir = join(homedir(), '.cache', 'occam', 'hub', pathOrId.replace('/', '--'));
  await fetchHubFolder(pathOrId, dir, options.onnxFile);
  return describeFolder(dir, options.onnxFile, { kind: 'hub', id: pathOrId });
}

async function describeFolder(dir: string, onnxFile: string | undefined, source: ModelDirectory['source']): Promise<ModelDirectory> {
  const configPath = join(dir, 'config.json');
  const configInfo = await stat(configPath).catch(() => null);
  if (!configInfo)
    throw new OccamError(`${configPath}: missing; a model folder needs config.json (the Hugging Face model config, written by save_pretrained)`, {
      file: configPath,
    });
  if (!configInfo.isFile()) throw new OccamError(`${configPath}: expected a regular file`, { file: configPath });
  if (configInfo.size > MAX_CONFIG_BYTES)
    throw new OccamError(`${configPath}: ${(configInfo.size / 2 ** 20).toFixed(1)} MiB, over the ${MAX_CONFIG_BYTES / 2 ** 20} MiB limit for config.json`, {
      file: configPath,
    });
  const config = parseConfigJson(await readFile(configPath, 'utf8'), configPath);
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new OccamError(`${configPath}: expected a JSON object`, { file: configPath });
  const candidates = onnxFile ? [onnxFile] : ONNX_CANDIDATES;
  const rel = candidates.find((c) => existsSync(join(dir, c)));
  if (!rel) {
    throw new OccamError(`${dir}: no ONNX graph (looked for ${candidates.join(', ')})`, { file: join(dir, candidates[0]) });
  }
  const onnxPath = join(dir, rel);
  if (!statSync(onnxPath).isFile()) throw new OccamError(`${onnxPath}: expected the ONNX graph as a regular file`, { file: onnxPath });
  const folder = join(onnxPath, '..');
  const externalData = (await readdir(folder)).filter((f) => /\.onnx_data(_\d+)?$|\.onnx\.data$/.test(f)).map((f) => join(folder, f));
  return { dir, config, onnxPath, externalData, source };
}

async function fetchHubFolder(id: string, dir: string, onnxFile: string | undefined): Promise<void> {
  const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', onnxFile ?? 'onnx/model.onnx'];
  for (const f of files) {
    const target = join(dir, f);
    if (existsSync(target)) continue;
    const url = `https://huggingface.co/${id}/resolve/main/${f}`;
    let body: Uint8Array;
    try {
      const res = await fetch(url);
      if (!res.ok) {
        if (f === 'tokenizer_config.json') continue;
        throw new OccamError(`${url}: HTTP ${res.status}${res.status === 404 ? ` (no such file in ${id}; check the id, or give onnxFile)` : ''}`, {
          file: url,
        });
      }
      body = new Uint8Array(await res.arrayBuffer());
    } catch (error) {
      if (error instanceof OccamError) throw error;
      throw new OccamError(`${url}: cannot download (${(error as Error).message}); check the network, or give the path of a local model folder`, { file: url });
    }
    await mkdir(join(target, '..'), { recursive: true });
    // written aside and renamed, so an interrupted download never leaves a partial file that a later run would trust
    const partial = `${target}.${process.pid}.partial`;
    await writeFile(partial, body);
    await rename(partial, target);
  }
}

/**
 * config.json as Python's json.dump writes it: bare NaN / Infinity (not JSON) are read as null, so a
 * config that records e.g. a NaN training loss still loads.
 */
export function parseConfigJson(text: string, file: string): Record<string, unknown> {
  try {
    return JSON.parse(text);
  } catch (error) {
    const lenient = text.replace(/("(?:[^"\\]|\\.)*")|-?\b(?:NaN|Infinity)\b/g, (m, str: string | undefined) => str ?? 'null');
    try {
      return JSON.parse(lenient);
    } catch {
      throw new OccamError(`${file}: not valid JSON (${(error as Error).message})`, { file });
    }
  }
}
