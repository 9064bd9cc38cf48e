import * as ort from 'onnxruntime-node';
import { OccamError } from '@occam/core';
import type { PaddedBatch } from '../condition/padBatch.js';
import { ONNX_BOOL, ONNX_FLOAT16, type ValueInfo } from '../onnx/onnxModel.js';

const PAST = /^past_key_values\.(\d+)\.(key|value)$|^past\.(\d+)\.(key|value)$/;

function intTensor(values: Int32Array | Uint8Array, dims: number[], info: ValueInfo): ort.Tensor {
  if (info.elemType === 6) return new ort.Tensor('int32', Int32Array.from(values), dims);
  const big = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) big[i] = BigInt(values[i]);
  return new ort.Tensor('int64', big, dims);
}

function numericDim(d: unknown, fallback: number | null, what: string): number {
  if (typeof d === 'number' && d > 0) return d;
  if (fallback !== null && fallback > 0) return fallback;
  throw new OccamError(`graph input ${what}: dimension is symbolic and config.json does not give it`);
}

/**
 * Feeds for one full forward pass: input_ids, attention_mask and position_ids from the padded batch
 * (position_ids = cumsum(mask) − 1 as Hugging Face builds them, so left padding works), empty past
 * tensors (past length 0) for graphs exported with a KV cache, zeros for token_type_ids, and
 * use_cache_branch = false for merged decoders.
 */
export function buildFeeds(inputs: ValueInfo[], batch: PaddedBatch, config: Record<string, unknown>): Record<string, ort.Tensor> {
  const B = batch.lengths.length;
  const T = batch.width;
  const feeds: Record<string, ort.Tensor> = {};
  const cfgNum = (...keys: string[]) => {
    for (const k of keys) if (typeof config[k] === 'number') return config[k] as number;
    return null;
  };
  const heads = cfgNum('num_key_value_heads', 'n_head', 'num_attention_heads');
  const hidden = cfgNum('n_embd', 'hidden_size', 'd_model');
  const headDim = cfgNum('head_dim') ?? (heads && hidden ? hidden / (cfgNum('n_head', 'num_attention_heads') ?? heads) : null);
  for (const info of inputs) {
    const name = info.name;
    if (name === 'input_ids') feeds[name] = intTensor(batch.ids, [B, T], info);
    else if (name === 'attention_mask') feeds[name] = intTensor(batch.mask, [B, T], info);
    else if (name === 'position_ids') feeds[name] = intTensor(batch.positions, [B, T], info);
    else if (name === 'token_type_ids') feeds[name] = intTensor(new Int32Array(B * T), [B, T], info);
    else if (name === 'use_cache_branch') feeds[name] = new ort.Tensor('bool', new Uint8Array([0]), [1]);
    else if (PAST.test(name)) {
      const dims = info.dims ?? [];
      const shape = [B, numericDim(dims[1], heads, `${name} (heads)`), 0, numericDim(dims[3], headDim, `${name} (head size)`)];
      if (info.elemType === ONNX_FLOAT16) feeds[name] = new ort.Tensor('float16', new Uint16Array(0), shape);
      else feeds[name] = new ort.Tensor('float32', new Float32Array(0), shape);
    } else if (info.elemType === ONNX_BOOL) {
      throw new OccamError(`graph input '${name}' (bool) is not one this adapter knows how to feed`);
    } else {
      throw new OccamError(
        `graph input '${name}' is not one this adapter knows how to feed (input_ids, attention_mask, position_ids, token_type_ids, past_key_values.{i}.key/value, use_cache_branch)`,
      );
    }
  }
  if (!feeds.input_ids) throw new OccamError('the ONNX graph has no input_ids input');
  return feeds;
}
