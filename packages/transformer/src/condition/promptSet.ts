/**
 * A condition resolved to token ids: the prompts, which positions of each are scored, and the events
 * (markers) the condition defines, e.g. where the repeated half of an induction prompt starts.
 */
export interface Prompt {
  id: string;
  tokens: number[];
  /** Positions (token indices) to score; null = every position but the first. */
  scored: number[] | null;
  /** The mixture component the prompt was drawn from (mixture conditions only); a Dataset keeps it per trial. */
  label?: string;
  /** Where the prompt was written, for messages: a prompts file and line, or a condition file and the prompt's index. */
  source?: { file: string; line?: number; index?: number };
}

export interface PromptSet {
  /** The condition's kind and name, e.g. 'repeated-random'. */
  name: string;
  prompts: Prompt[];
  /** Named token positions shared by every prompt (e.g. { repeatStart: 11 }). */
  markers: Record<string, number>;
  /** Facts about the condition for the dataset's metadata (period, seed, source file, …). */
  metadata: Record<string, unknown>;
}

/** The scored positions of a prompt as a 0/1 mask of its length (never position 0 by default). */
export function scoredMask(prompt: Prompt): Uint8Array {
  const mask = new Uint8Array(prompt.tokens.length);
  if (prompt.scored === null) mask.fill(1, 1);
  else for (const t of prompt.scored) if (t >= 0 && t < mask.length) mask[t] = 1;
  return mask;
}
