import { AutoTokenizer, env } from '@huggingface/transformers';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { OccamError } from '@occam/core';

/** config.json keys that give a model's number of positions (GPT-2, Llama/most, older GPT-2, MPT-style). */
const CONTEXT_KEYS = ['n_positions', 'max_position_embeddings', 'n_ctx', 'max_seq_len', 'seq_length'];
/** Tokenizer files are JSON of a few MB at most (large vocabularies ~20 MB); a bound keeps a stray huge file from being parsed. */
const MAX_TOKENIZER_FILE_BYTES = 128 * 1024 * 1024;

/**
 * tokenizer.json must be there and, like tokenizer_config.json when present, be a regular file of
 * valid JSON: checked here so a message names the file (the tokenizer library's errors do not).
 */
async function checkTokenizerFiles(dir: string): Promise<void> {
  for (const [name, required] of [
    ['tokenizer.json', true],
    ['tokenizer_config.json', false],
  ] as const) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (!info) {
      if (required) throw new OccamError(`${path}: missing; a model folder needs tokenizer.json (save it with tokenizer.save_pretrained)`, { file: path });
      continue;
    }
    if (!info.isFile()) throw new OccamError(`${path}: expected a regular file`, { file: path });
    if (info.size > MAX_TOKENIZER_FILE_BYTES)
      throw new OccamError(`${path}: ${(info.size / 2 ** 20).toFixed(0)} MiB, over the ${MAX_TOKENIZER_FILE_BYTES / 2 ** 20} MiB limit for tokenizer files`, {
        file: path,
      });
    let value: unknown;
    try {
      value = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new OccamError(`${path}: not valid JSON (${(error as Error).message})`, { file: path });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new OccamError(`${path}: expected a JSON object`, { file: path });
  }
}

/** The tokenizer facts the adapter needs, over @huggingface/transformers' AutoTokenizer. */
export interface LmTokenizer {
  /** Token ids of `text`; a BOS id is put first when `bos` is true and the tokenizer did not add one. */
  encode(text: string, options?: { bos?: boolean }): number[];
  decode(ids: number[]): string;
  /** Id of one vocabulary entry (`"t5"`, `" Paris"`), or null when it is not a single token. */
  tokenId(token: string): number | null;
  bosId: number | null;
  eosId: number | null;
  padId: number | null;
  specialIds: Set<number>;
  /**
   * The longest token sequence the model accepts (its positions), like Hugging Face's model_max_length;
   * null when neither the model nor its config says. Prompts are checked against it before a forward pass.
   */
  contextLength: number | null;
  /** The id text outside the vocabulary maps to (WordLevel / WordPiece tokenizers), or null. */
  unkId: number | null;
}

/**
 * Load the tokenizer from a local folder with remote models disabled (nothing is fetched).
 * Falls back to config.json's bos/eos/pad ids when the tokenizer config names none.
 */
export async function loadLmTokenizer(dir: string, config: Record<string, unknown>, options: { contextLength?: number | null } = {}): Promise<LmTokenizer> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  await checkTokenizerFiles(dir);
  let tok: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;
  try {
    tok = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
  } catch (error) {
    throw new OccamError(`${join(dir, 'tokenizer.json')}: cannot load the tokenizer: ${(error as Error).message}`, { file: join(dir, 'tokenizer.json') });
  }
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);
  const orNull = (v: number | undefined | null): number | null => (typeof v === 'number' && v >= 0 ? v : null);
  const bosId = orNull(tok.bos_token_id) ?? num(config.bos_token_id);
  const eosId = orNull(tok.eos_token_id) ?? num(config.eos_token_id);
  const padId = orNull(tok.pad_token_id) ?? num(config.pad_token_id) ?? eosId;
  const specialIds = new Set<number>(tok.all_special_ids ?? []);
  const limits = [options.contextLength ?? null, ...CONTEXT_KEYS.map((k) => num(config[k])), num((tok as { model_max_length?: unknown }).model_max_length)];
  const known = limits.filter((v): v is number => v !== null && v > 0 && v < 1e9); // HF writes 1e30 for "no limit"
  const contextLength = known.length ? Math.min(...known) : null;
  for (const id of [bosId, eosId, padId]) if (id !== null) specialIds.add(id);
  return {
    encode(text, options = {}) {
      const ids = Array.from(tok.encode(text) as number[], Number);
      if (options.bos && bosId !== null && ids[0] !== bosId) ids.unshift(bosId);
      if (options.bos === false && bosId !== null && ids[0] === bosId) ids.shift();
      return ids;
    },
    decode(ids) {
      return tok.decode(ids);
    },
    tokenId(token) {
      // unknown strings map to the unk id: accept that id only for the unk token itself
      const unk = orNull(tok.unk_token_id);
      const known = (id: unknown): id is number => typeof id === 'number' && id >= 0 && (id !== unk || token === tok.unk_token);
      const id = tok.convert_tokens_to_ids(token) as unknown;
      if (known(id)) return id;
      const enc = Array.from(tok.encode(token, { add_special_tokens: false }) as number[], Number);
      return enc.length === 1 && known(enc[0]) ? enc[0] : null;
    },
    bosId,
    eosId,
    padId,
    specialIds,
    contextLength,
    unkId: orNull(tok.unk_token_id),
  };
}
