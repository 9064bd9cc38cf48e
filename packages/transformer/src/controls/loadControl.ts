import { OccamError } from '@occam/core';
import { LanguageModel, type LoadOptions } from '../model-dir/languageModel.js';

/** Token ids whose decoded strings are compared between two tokenizers: the specials and a spread over the vocabulary. */
function sampleIds(vocabSize: number, count = 64): number[] {
  const ids = new Set<number>();
  for (let i = 0; i < Math.min(count, vocabSize); i++) ids.add(Math.floor((i * vocabSize) / Math.min(count, vocabSize)));
  ids.add(vocabSize - 1);
  return [...ids];
}

/**
 * How a control model differs from the trained one in what a paired extraction relies on: the hooks found
 * (names, and shapes with the batch and position axes named), the vocabulary size, the special tokens and
 * the tokenizer's strings for a sample of ids. An empty list: the same architecture, so the same prompts,
 * behaviour and atoms mean the same thing in both.
 */
export async function architectureDifferences(trained: LanguageModel, control: LanguageModel): Promise<string[]> {
  const out: string[] = [];
  if (trained.vocabSize !== control.vocabSize) out.push(`vocabulary size ${control.vocabSize} (trained: ${trained.vocabSize})`);
  for (const key of ['bosId', 'eosId', 'padId'] as const) {
    if (trained.tokenizer[key] !== control.tokenizer[key]) out.push(`tokenizer ${key} ${control.tokenizer[key]} (trained: ${trained.tokenizer[key]})`);
  }
  if (trained.vocabSize === control.vocabSize) {
    const differ = sampleIds(trained.vocabSize).filter((id) => trained.tokenizer.decode([id]) !== control.tokenizer.decode([id]));
    if (differ.length)
      out.push(
        `tokenizer: ids ${differ.slice(0, 5).join(', ')}${differ.length > 5 ? ', …' : ''} decode differently (e.g. id ${differ[0]}: '${control.tokenizer.decode([differ[0]])}', trained '${trained.tokenizer.decode([differ[0]])}')`,
      );
  }
  const a = new Map((await trained.hookShapes()).map((h) => [h.name, h.dims.join(', ')]));
  const b = new Map((await control.hookShapes()).map((h) => [h.name, h.dims.join(', ')]));
  const missing = [...a.keys()].filter((k) => !b.has(k));
  const extra = [...b.keys()].filter((k) => !a.has(k));
  if (missing.length) out.push(`hooks missing: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ` and ${missing.length - 8} more` : ''}`);
  if (extra.length) out.push(`hooks the trained model lacks: ${extra.slice(0, 8).join(', ')}${extra.length > 8 ? ` and ${extra.length - 8} more` : ''}`);
  for (const [name, dims] of a) {
    const other = b.get(name);
    if (other !== undefined && other !== dims) out.push(`${name}: shape [${other}] (trained: [${dims}])`);
  }
  return out;
}

/**
 * Load a user-given control model folder (`--control DIR`) for a trained model: refused with every
 * difference listed when it does not have the same architecture (architectureDifferences).
 */
export async function loadControlModel(dir: string, trained: LanguageModel, options: LoadOptions = {}): Promise<LanguageModel> {
  const control = await LanguageModel.load(dir, options);
  if (control.directory.onnxPath === trained.directory.onnxPath) {
    await control.dispose();
    throw new OccamError(
      `control model ${dir} is the trained model itself (${trained.directory.onnxPath}); a control must be another network of the same architecture`,
      { file: dir },
    );
  }
  let differences: string[];
  try {
    differences = await architectureDifferences(trained, control);
  } catch (error) {
    await control.dispose();
    throw error;
  }
  if (differences.length) {
    await control.dispose();
    throw new OccamError(
      `control model ${dir} does not have the architecture of ${trained.directory.dir}, so the same prompts and atoms would not mean the same thing:\n  ${differences.join('\n  ')}\n` +
        'Give a control of the same architecture (e.g. the same model untrained, or a random-weights control).',
      { file: dir },
    );
  }
  return control;
}
