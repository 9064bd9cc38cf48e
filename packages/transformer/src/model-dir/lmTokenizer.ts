import { AutoTokenizer, env } from '@huggingface/transformers';
import { OccamError } from '@occam/core';

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
}

/**
 * Load the tokenizer from a local folder with remote models disabled (nothing is fetched).
 * Falls back to config.json's bos/eos/pad ids when the tokenizer config names none.
 */
export async function loadLmTokenizer(dir: string, config: Record<string, unknown>): Promise<LmTokenizer> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  let tok: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;
  try {
    tok = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
  } catch (error) {
    throw new OccamError(`${dir}: cannot load the tokenizer (tokenizer.json, tokenizer_config.json): ${(error as Error).message}`, { file: dir });
  }
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);
  const orNull = (v: number | undefined | null): number | null => (typeof v === 'number' && v >= 0 ? v : null);
  const bosId = orNull(tok.bos_token_id) ?? num(config.bos_token_id);
  const eosId = orNull(tok.eos_token_id) ?? num(config.eos_token_id);
  const padId = orNull(tok.pad_token_id) ?? num(config.pad_token_id) ?? eosId;
  const specialIds = new Set<number>(tok.all_special_ids ?? []);
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
  };
}
