import { OccamError } from '@occam/core';

export type PaddingSide = 'left' | 'right';

/**
 * Token sequences padded to one length. Token k of sequence b sits at padded column
 * `offsets[b] + k`; columns outside [offsets[b], offsets[b] + lengths[b]) are padding (mask 0).
 */
export interface PaddedBatch {
  side: PaddingSide;
  /** Padded length (the longest sequence). */
  width: number;
  lengths: number[];
  offsets: number[];
  /** [batch × width] token ids, padding filled with `padId`. */
  ids: Int32Array;
  /** [batch × width] 1 for real tokens, 0 for padding. */
  mask: Uint8Array;
  /** [batch × width] position of each token within its own sequence (0 for padding), as Hugging Face computes it. */
  positions: Int32Array;
}

export function padBatch(sequences: number[][], side: PaddingSide, padId: number): PaddedBatch {
  if (sequences.length === 0) throw new OccamError('padBatch: empty batch');
  const lengths = sequences.map((s) => s.length);
  if (lengths.some((n) => n === 0)) throw new OccamError('padBatch: a prompt has no tokens');
  const width = Math.max(...lengths);
  const B = sequences.length;
  const ids = new Int32Array(B * width).fill(padId);
  const mask = new Uint8Array(B * width);
  const positions = new Int32Array(B * width);
  const offsets = lengths.map((n) => (side === 'left' ? width - n : 0));
  sequences.forEach((seq, b) => {
    for (let k = 0; k < seq.length; k++) {
      const col = b * width + offsets[b] + k;
      ids[col] = seq[k];
      mask[col] = 1;
      positions[col] = k;
    }
  });
  return { side, width, lengths, offsets, ids, mask, positions };
}
