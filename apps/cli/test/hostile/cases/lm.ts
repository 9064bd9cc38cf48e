import { cp, mkdir, readFile, rename, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bytesField, stringField, varintField } from '../../../../../packages/transformer/src/onnx/protobufWriter.js';
import type { HostileCase } from '../case.js';
import { REPO } from '../fixtures.js';

// Language-model inputs as users (and hostile model files) have them: condition files, prompt files,
// model folders, ONNX external data, behaviours, batching options. Each failure must name the file (and
// line, prompt, tensor or field) before any forward pass; each success is a small `lm extract`.

/** The Llama-layout test model: random weights, 25 tensors in onnx/model.onnx_data, 24 tokens (w0 … w19 = 4–23), 32 positions. */
const TINY_LLAMA = join(REPO, 'packages/transformer/test/fixtures/tiny-llama');

const write = async (dir: string, files: Record<string, string>) => {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
};
const json = (v: unknown) => JSON.stringify(v);
const extract = (model: string, condition: string, behaviour = 'next-token-correct') => [
  'lm',
  'extract',
  '--model',
  model,
  '--condition',
  condition,
  '--behaviour',
  behaviour,
  '--out',
  'out',
];

/** One condition file `c.json` (plus side files) against the bundled tiny model. */
const conditionCase = (name: string, condition: unknown, stderr: RegExp[], files: Record<string, string> = {}, untouched?: string[]): HostileCase => ({
  name,
  setup: async (dir, fx) => {
    await write(dir, { ...files, 'c.json': typeof condition === 'string' ? condition : json(condition) });
    return extract(fx.lmModel, 'c.json');
  },
  expect: { exit: 1, stderr },
  untouched,
});

/** One prompts file `p.jsonl` against the bundled tiny model (vocabulary 68, 32 positions). */
const promptsCase = (name: string, lines: string, stderr: RegExp[]): HostileCase => ({
  name,
  setup: async (dir, fx) => {
    await write(dir, { 'p.jsonl': lines });
    return extract(fx.lmModel, 'p.jsonl');
  },
  expect: { exit: 1, stderr },
});

/** A copy of the bundled tiny model at `dir/model`, changed by `edit`. */
const modelCase = (name: string, edit: (model: string, dir: string) => Promise<void>, stderr: RegExp[], exit: 0 | 1 = 1): HostileCase => ({
  name,
  setup: async (dir, fx) => {
    const model = join(dir, 'model');
    await cp(fx.lmModel, model, { recursive: true });
    await edit(model, dir);
    return extract('model', fx.lmCondition);
  },
  expect: { exit, stderr },
});

/** A copy of the external-data Llama fixture at `dir/model` (its condition beside it), changed by `edit`. */
const llamaCase = (name: string, edit: (model: string, dir: string) => Promise<void>, stderr: RegExp[], untouched?: string[]): HostileCase => ({
  name,
  setup: async (dir) => {
    const model = join(dir, 'model');
    await cp(TINY_LLAMA, model, { recursive: true });
    await write(dir, { 'p.jsonl': '{"text": "w1 w2 w3 w1 w2 w3"}\n{"text": "w4 w5 w4 w5 w4"}\n' });
    await edit(model, dir);
    return extract('model', 'p.jsonl');
  },
  expect: { exit: 1, stderr },
  untouched,
});

/** Rewrite every external-data location of the Llama fixture ("model.onnx_data", 15 bytes) to another 15-byte string. */
const relocate = async (model: string, location: string) => {
  if (location.length !== 15) throw new Error('same length keeps the protobuf lengths valid');
  const path = join(model, 'onnx/model.onnx');
  const bytes = await readFile(path);
  await writeFile(path, Buffer.from(bytes.toString('latin1').split('model.onnx_data').join(location), 'latin1'));
};

/**
 * Append to a model file a second ModelProto fragment holding `graph { initializer | node }`: protobuf
 * merges concatenated messages, so readers see one more initializer (or node) in the graph, exactly as
 * a model file written with it would read.
 */
const appendToGraph = async (onnxPath: string, graphField: number, message: number[]) => {
  const bytes = await readFile(onnxPath);
  await writeFile(onnxPath, Buffer.concat([bytes, Uint8Array.from(bytesField(7, bytesField(graphField, message)))]));
};
const externalInitializer = (name: string, location: string) => [
  ...varintField(1, 4), // dims [4]
  ...varintField(2, 1), // FLOAT
  ...stringField(8, name),
  ...bytesField(13, [...stringField(1, 'location'), ...stringField(2, location)]),
  ...bytesField(13, [...stringField(1, 'offset'), ...stringField(2, '0')]),
  ...bytesField(13, [...stringField(1, 'length'), ...stringField(2, '16')]),
  ...varintField(14, 1), // data_location = EXTERNAL
];

const copyCond = { kind: 'stochastic-copy', lag: 6, copyProbability: 0.6, length: 31, count: 8, seed: 1 };
const periodicCond = { kind: 'periodic-corrupted', period: 5, length: 31, corruptionRate: 0.2, count: 8, seed: 2 };

export const cases: HostileCase[] = [
  // ---------------------------------------------------------------------------------------- condition files
  conditionCase('lm/condition-not-json', '{"kind": "stochastic-copy", lag: 6}', [/c\.json: not valid JSON/]),
  conditionCase('lm/condition-unknown-kind', { kind: 'copy-ish', count: 3 }, [/c\.json: invalid content/, /kind/]),
  conditionCase('lm/condition-copy-probability-above-1', { ...copyCond, copyProbability: 1.5 }, [/c\.json: invalid content/, /copyProbability/]),
  conditionCase('lm/condition-copy-lag-zero', { ...copyCond, lag: 0 }, [/c\.json: invalid content/, /lag/]),
  conditionCase('lm/condition-copy-length-not-above-lag', { ...copyCond, length: 6 }, [/c\.json/, /length 6 must exceed lag 6/]),
  conditionCase('lm/condition-copy-longer-than-context', { ...copyCond, length: 32 }, [
    /c\.json: prompt 0 \(id sc-0\): the prompt has 33 tokens \(BOS included\), more than the model's context of 32 positions; make the condition's prompts at most 32 tokens/,
  ]),
  conditionCase('lm/condition-copy-one-token-pool', { ...copyCond, tokens: ['t5', 't5'] }, [/c\.json/, /at least 2 distinct tokens/]),
  conditionCase('lm/condition-copy-unknown-token', { ...copyCond, tokens: ['t5', 'zebra'] }, [/c\.json/, /'zebra' is not a single token/]),
  conditionCase('lm/condition-periodic-rate-negative', { ...periodicCond, corruptionRate: -0.1 }, [/c\.json: invalid content/, /corruptionRate/]),
  conditionCase('lm/condition-periodic-longer-than-context', { ...periodicCond, length: 40 }, [
    /c\.json: prompt 0 \(id pc-0\): the prompt has 41 tokens \(BOS included\), more than the model's context of 32/,
  ]),
  conditionCase('lm/condition-periodic-length-not-above-period', { ...periodicCond, length: 5 }, [/c\.json/, /length 5 must exceed period 5/]),
  conditionCase('lm/condition-periodic-distinct-pool-too-small', { ...periodicCond, distinct: true, period: 6, tokens: ['t1', 't2', 't3'] }, [
    /c\.json/,
    /distinct tokens need period ≤ 3/,
  ]),
  conditionCase(
    'lm/condition-mixture-duplicate-labels',
    {
      kind: 'mixture',
      count: 4,
      components: [
        { label: 'a', weight: 1, condition: { ...copyCond, count: undefined } },
        { label: 'a', weight: 1, condition: { ...periodicCond, count: undefined } },
      ],
    },
    [/c\.json: invalid content/, /component labels must be unique/],
  ),
  conditionCase('lm/condition-mixture-component-with-count', { kind: 'mixture', count: 4, components: [{ label: 'a', weight: 1, condition: copyCond }] }, [
    /c\.json: invalid content/,
    /components\.0\.condition\.count/,
    /leave count out/,
  ]),
  conditionCase(
    'lm/condition-mixture-nested',
    { kind: 'mixture', count: 4, components: [{ label: 'a', weight: 1, condition: { kind: 'mixture', count: 2, components: [] } }] },
    [/c\.json: invalid content/, /components\.0\.condition/],
  ),
  conditionCase(
    'lm/condition-mixture-zero-weight',
    { kind: 'mixture', count: 4, components: [{ label: 'a', weight: 0, condition: { ...copyCond, count: undefined } }] },
    [/c\.json: invalid content/, /weight/],
  ),
  conditionCase('lm/condition-mixture-no-components', { kind: 'mixture', count: 4, components: [] }, [/c\.json: invalid content/, /components/]),
  conditionCase(
    'lm/condition-mixture-jsonl-component-too-short',
    { kind: 'mixture', count: 12, seed: 3, components: [{ label: 'file', weight: 1, condition: { kind: 'jsonl', path: 'two.jsonl' } }] },
    [/component 'file' \(components\.0\.condition\) gives 2 prompts, but the mixture drew 12/],
    { 'two.jsonl': '{"tokens": [1, 5, 6]}\n{"tokens": [1, 7, 8]}\n' },
  ),
  conditionCase(
    'lm/condition-mixture-component-too-long',
    {
      kind: 'mixture',
      count: 8,
      components: [
        { label: 'ok', weight: 1, condition: { ...periodicCond, count: undefined } },
        { label: 'long', weight: 1, condition: { ...copyCond, count: undefined, length: 35 } },
      ],
    },
    [/c\.json: prompt \d+ \(id long\/sc-0\): the prompt has 36 tokens \(BOS included\), more than the model's context of 32/],
  ),
  conditionCase('lm/condition-word-list-escapes-folder', { kind: 'template', template: '{A} t1 {A}', slots: { A: { file: '../words.txt' } }, count: 3 }, [
    /c\.json: slots\.A\.file '\.\.\/words\.txt' resolves to .*outside the condition file's folder/,
  ]),
  conditionCase('lm/condition-word-list-device', { kind: 'template', template: '{A} t1', slots: { A: { file: '/dev/zero' } }, count: 3 }, [
    /\/dev\/zero: word list for slot \{A\} must be a regular file/,
  ]),
  conditionCase('lm/condition-word-list-missing', { kind: 'template', template: '{A} t1', slots: { A: { file: 'names.txt' } }, count: 3 }, [
    /names\.txt: word list for slot \{A\} not found \(slots\.A\.file in c\.json\)/,
  ]),
  conditionCase(
    'lm/condition-word-list-blank',
    { kind: 'template', template: '{A} t1', slots: { A: { file: 'names.txt' } }, count: 3 },
    [/names\.txt: word list for slot \{A\} has no values/],
    { 'names.txt': '\n  \n\n' },
  ),
  conditionCase(
    'lm/condition-word-list-folder',
    { kind: 'template', template: '{A} t1', slots: { A: { file: 'lists' } }, count: 3 },
    [/lists: word list for slot \{A\} must be a regular file, got a folder/],
    { 'lists/x.txt': 't1\n' },
  ),
  conditionCase('lm/condition-template-slot-without-values', { kind: 'template', template: '{A} {B}', slots: { A: ['t1'] }, count: 3 }, [
    /c\.json/,
    /\{B\} have no values/,
  ]),
  conditionCase('lm/condition-jsonl-path-escapes-folder', { kind: 'jsonl', path: '../../etc/passwd' }, [
    /c\.json: path '\.\.\/\.\.\/etc\/passwd' resolves to .*outside the condition file's folder/,
  ]),
  conditionCase('lm/condition-jsonl-device', { kind: 'jsonl', path: '/dev/zero' }, [/\/dev\/zero: prompts file must be a regular file/]),
  conditionCase('lm/condition-natural-text-escapes-folder', { kind: 'natural-text', path: '../corpus.txt', windowTokens: 8 }, [
    /c\.json: path '\.\.\/corpus\.txt' resolves to .*outside the condition file's folder/,
  ]),
  {
    name: 'lm/condition-jsonl-link-out-of-folder',
    setup: async (dir, fx) => {
      await write(dir, { 'secret/p.jsonl': '{"tokens": [1, 5, 6]}\n', 'cond/c.json': json({ kind: 'jsonl', path: 'p.jsonl' }) });
      await symlink(join(dir, 'secret/p.jsonl'), join(dir, 'cond/p.jsonl'));
      return extract(fx.lmModel, 'cond/c.json');
    },
    expect: { exit: 1, stderr: [/cond\/c\.json: path 'p\.jsonl' resolves to .*outside the condition file's folder/] },
  },
  conditionCase('lm/condition-copy-count-huge', { ...copyCond, count: 1e9 }, [
    /c\.json: 1000000000 prompts × 32 tokens is more than the 1000000 prompt tokens allowed/,
    /OCCAM_MAX_PROMPT_TOKENS/,
  ]),
  conditionCase(
    'lm/condition-mixture-count-huge',
    { kind: 'mixture', count: 5e9, components: [{ label: 'a', weight: 1, condition: { ...copyCond, count: undefined } }] },
    [/c\.json: 5000000000 prompts is more than the 1000000 prompt tokens allowed/],
  ),
  {
    name: 'lm/prompts-file-over-size-limit',
    setup: async (dir, fx) => {
      await write(dir, { 'big.jsonl': '' });
      await truncate(join(dir, 'big.jsonl'), 40 * 1024 ** 2); // sparse: 40 MiB of NUL bytes, never read
      return extract(fx.lmModel, 'big.jsonl');
    },
    expect: {
      exit: 1,
      stderr: [/big\.jsonl: prompts file is 41943040 bytes, over the 4 MiB limit for condition inputs \(raise it with OCCAM_MAX_PROMPT_FILE_BYTES\)/],
    },
  },
  {
    name: 'lm/condition-natural-text-over-size-limit',
    setup: async (dir, fx) => {
      await write(dir, { 'corpus.txt': '', 'c.json': json({ kind: 'natural-text', path: 'corpus.txt', windowTokens: 16, count: 10 }) });
      await truncate(join(dir, 'corpus.txt'), 5 * 1024 ** 2);
      return extract(fx.lmModel, 'c.json');
    },
    expect: {
      exit: 1,
      stderr: [/corpus\.txt: text file is 5242880 bytes, over the 4 MiB limit for condition inputs \(raise it with OCCAM_MAX_PROMPT_FILE_BYTES\)/],
    },
  },
  {
    name: 'lm/condition-is-a-folder',
    setup: async (dir, fx) => {
      await mkdir(join(dir, 'cond.json'));
      return extract(fx.lmModel, 'cond.json');
    },
    expect: { exit: 1, stderr: [/cond\.json: condition file must be a regular file, got a folder/] },
  },
  {
    name: 'lm/condition-missing',
    setup: async (_dir, fx) => extract(fx.lmModel, 'nowhere.condition.json'),
    expect: { exit: 1, stderr: [/nowhere\.condition\.json: condition file not found/] },
  },

  // ---------------------------------------------------------------------------------------- prompts files
  promptsCase('lm/prompts-line-not-json', '{"tokens": [1, 5, 6]}\n{"text": t1 t2}\n', [/p\.jsonl:2: not valid JSON/]),
  promptsCase('lm/prompts-line-both-text-and-tokens', '{"tokens": [1, 5, 6]}\n\n{"text": "t1", "tokens": [1, 5]}\n', [
    /p\.jsonl:3: .*exactly one of "text" \(string\) or "tokens"/,
  ]),
  promptsCase('lm/prompts-line-neither', '{"prompt": "t1 t2"}\n', [/p\.jsonl:1: .*exactly one of "text"/]),
  promptsCase('lm/prompts-line-array', '[1, 5, 6]\n', [/p\.jsonl:1: /]),
  promptsCase('lm/prompts-empty-text', '{"text": "t1 t2"}\n{"text": ""}\n', [/p\.jsonl:2: "text" is empty/]),
  promptsCase('lm/prompts-words-outside-vocabulary', '{"text": "t1 t2 t3"}\n{"text": "the cat sat"}\n', [
    /p\.jsonl:2: 'the', 'cat', 'sat' are not in the model's vocabulary/,
  ]),
  conditionCase(
    'lm/condition-template-word-outside-vocabulary',
    { kind: 'template', template: '{A} t1 {A}', slots: { A: { file: 'w.txt' } }, count: 6, seed: 1 },
    [/c\.json: template: prompt \d+ \("Paris t1 Paris"\): 'Paris' is not in the model's vocabulary/],
    { 'w.txt': 'Paris\n' },
  ),
  {
    name: 'lm/ok-prompts-with-bom-crlf-and-unk-token',
    setup: async (dir, fx) => {
      await write(dir, { 'p.jsonl': '\uFEFF{"text": "t1 t2 t1 t2"}\r\n{"text": "t3 <unk> t3"}\r\n\r\n' });
      return extract(fx.lmModel, 'p.jsonl');
    },
    expect: { exit: 0, stdout: [/: 2 prompts × /] },
  },
  {
    name: 'lm/hooks-external-data-escapes',
    setup: async (dir) => {
      await cp(TINY_LLAMA, join(dir, 'model'), { recursive: true });
      await relocate(join(dir, 'model'), '../outside.data');
      return ['lm', 'hooks', 'model'];
    },
    expect: {
      exit: 1,
      stderr: [/model\/onnx\/model\.onnx: tensor '[^']+' keeps its data in external file '\.\.\/outside\.data', which leaves the model folder/],
    },
  },
  {
    name: 'lm/hooks-model-without-tokenizer',
    setup: async (dir, fx) => {
      await cp(fx.lmModel, join(dir, 'model'), { recursive: true });
      await rm(join(dir, 'model/tokenizer.json'));
      return ['lm', 'hooks', 'model'];
    },
    expect: { exit: 1, stderr: [/model\/tokenizer\.json: missing/] },
  },
  {
    name: 'lm/reduce-prompt-longer-than-context',
    setup: async (dir, fx) => {
      await write(dir, { 'p.jsonl': `{"tokens": [1, 5, 6]}\n${json({ tokens: Array.from({ length: 40 }, () => 9) })}\n` });
      return ['lm', 'reduce', '--model', fx.lmModel, '--condition', 'p.jsonl', '--behaviour', 'next-token-correct', '--out', 'lm.model.json'];
    },
    expect: { exit: 1, stderr: [/p\.jsonl:2: the prompt has 40 tokens, more than the model's context of 32 positions/] },
  },
  promptsCase('lm/prompts-empty-tokens', '{"tokens": []}\n', [/p\.jsonl:1: tokens: /]),
  promptsCase('lm/prompts-tokens-longer-than-context', `{"tokens": [1, 5]}\n${json({ tokens: Array.from({ length: 33 }, (_, i) => 4 + (i % 60)) })}\n`, [
    /p\.jsonl:2: the prompt has 33 tokens, more than the model's context of 32 positions/,
  ]),
  promptsCase('lm/prompts-text-longer-than-context', `${json({ text: Array.from({ length: 40 }, (_, i) => `t${i % 64}`).join(' ') })}\n`, [
    /p\.jsonl:1: the prompt has 41 tokens \(BOS included\), more than the model's context of 32 positions; shorten it to at most 32 tokens/,
  ]),
  promptsCase('lm/prompts-token-outside-vocabulary', '{"tokens": [1, 5, 6]}\n{"tokens": [1, 68]}\n', [
    /p\.jsonl:2: token id 68 is outside the vocabulary \(size 68\)/,
  ]),
  promptsCase('lm/prompts-token-negative', '{"tokens": [1, -3]}\n', [/p\.jsonl:1: tokens\.1: /]),
  promptsCase('lm/prompts-token-fractional', '{"tokens": [1, 2.5]}\n', [/p\.jsonl:1: tokens\.1: /]),
  promptsCase('lm/prompts-scored-beyond-prompt', '{"tokens": [1, 5, 6], "scored": [7]}\n', [/p\.jsonl:1: scored position 7 is beyond the prompt's 3 tokens/]),
  promptsCase('lm/prompts-duplicate-id', '{"id": "x", "tokens": [1, 5, 6]}\n{"id": "x", "tokens": [1, 7, 8]}\n', [
    /p\.jsonl:2: id "x" was already used on line 1/,
  ]),
  promptsCase('lm/prompts-only-blank-lines', '\n\n   \n', [/p\.jsonl: no prompts/]),
  promptsCase('lm/prompts-empty-file', '', [/p\.jsonl: no prompts/]),

  // ---------------------------------------------------------------------------------------- model folders
  {
    name: 'lm/model-missing',
    setup: async (_dir, fx) => extract('no-such-model', fx.lmCondition),
    expect: { exit: 1, stderr: [/model folder no-such-model not found/] },
  },
  {
    name: 'lm/model-hub-id-without-allow-remote',
    setup: async (_dir, fx) => extract('someorg/some-model', fx.lmCondition),
    expect: { exit: 1, stderr: [/someorg\/some-model/, /hub id/, /--allow-remote/] },
  },
  {
    name: 'lm/model-is-a-file',
    setup: async (dir, fx) => {
      await write(dir, { 'model.onnx': 'not a folder' });
      return extract('model.onnx', fx.lmCondition);
    },
    expect: { exit: 1, stderr: [/model\.onnx: expected a model folder/] },
  },
  modelCase('lm/model-without-config', (m) => rm(join(m, 'config.json')), [/model\/config\.json: missing/]),
  modelCase('lm/model-config-malformed', (m) => writeFile(join(m, 'config.json'), '{"n_positions": 32,'), [/model\/config\.json: not valid JSON/]),
  modelCase('lm/model-config-not-an-object', (m) => writeFile(join(m, 'config.json'), '[1, 2]'), [/model\/config\.json: expected a JSON object/]),
  modelCase('lm/model-without-tokenizer', (m) => rm(join(m, 'tokenizer.json')), [/model\/tokenizer\.json: missing/]),
  modelCase('lm/model-tokenizer-malformed', (m) => writeFile(join(m, 'tokenizer.json'), '{"model": {"type": "WordLevel", '), [
    /model\/tokenizer\.json: not valid JSON/,
  ]),
  modelCase('lm/model-tokenizer-config-malformed', (m) => writeFile(join(m, 'tokenizer_config.json'), 'bos_token: <bos>'), [
    /model\/tokenizer_config\.json: not valid JSON/,
  ]),
  modelCase('lm/model-without-onnx', (m) => rm(join(m, 'onnx'), { recursive: true }), [/model.*no ONNX graph \(looked for onnx\/model\.onnx/]),
  modelCase(
    'lm/model-onnx-is-a-folder',
    async (m) => {
      await rm(join(m, 'onnx/model.onnx'));
      await mkdir(join(m, 'onnx/model.onnx'));
    },
    [/model\/onnx\/model\.onnx: expected the ONNX graph as a regular file/],
  ),
  modelCase('lm/model-onnx-truncated', async (m) => truncate(join(m, 'onnx/model.onnx'), 20000), [
    /model\/onnx\/model\.onnx: .*not a readable ONNX model .*export it again/,
  ]),
  modelCase('lm/model-onnx-not-protobuf', (m) => writeFile(join(m, 'onnx/model.onnx'), 'this is text, not an ONNX protobuf\n'.repeat(40)), [
    /model\/onnx\/model\.onnx: .*not a readable ONNX model/,
  ]),
  modelCase('lm/model-onnx-empty', (m) => writeFile(join(m, 'onnx/model.onnx'), ''), [/model\/onnx\/model\.onnx: the file holds no graph nodes \(0 bytes\)/]),
  modelCase(
    'lm/model-onnx-not-a-transformer',
    // a valid ONNX file (opset 17) whose graph is one Identity node: nothing to hook
    (m) => {
      const tensorType = (elem: number) => bytesField(2, bytesField(1, varintField(1, elem)));
      const graph = [
        ...bytesField(1, [...stringField(1, 'input_ids'), ...stringField(2, 'logits'), ...stringField(4, 'Identity')]),
        ...stringField(2, 'g'),
        ...bytesField(11, [...stringField(1, 'input_ids'), ...tensorType(7)]),
        ...bytesField(12, [...stringField(1, 'logits'), ...tensorType(7)]),
      ];
      return writeFile(join(m, 'onnx/model.onnx'), Uint8Array.from([...varintField(1, 8), ...bytesField(8, varintField(2, 17)), ...bytesField(7, graph)]));
    },
    [/model\/onnx\/model\.onnx: unknown model layout/],
  ),
  modelCase(
    'lm/model-onnx-unknown-operator',
    // a node onnxruntime has no kernel for: the load failure is onnxruntime's own, wrapped naming the file
    (m) =>
      appendToGraph(join(m, 'onnx/model.onnx'), 1, [
        ...stringField(1, 'input_ids'),
        ...stringField(2, 'occam_bogus'),
        ...stringField(3, 'bogus'),
        ...stringField(4, 'NoSuchOperator'),
      ]),
    [/model\/onnx\/model\.onnx: onnxruntime cannot load the model: .*NoSuchOperator/],
  ),

  // ---------------------------------------------------------------------------------------- ONNX external data
  llamaCase('lm/external-data-location-escapes', (m) => relocate(m, '../outside.data'), [
    /model\/onnx\/model\.onnx: tensor '[^']+' keeps its data in external file '\.\.\/outside\.data', which leaves the model folder/,
  ]),
  llamaCase('lm/external-data-location-absolute', (m) => relocate(m, '/etc/////passwd'), [
    /model\/onnx\/model\.onnx: tensor '[^']+' keeps its data in external file '\/etc\/\/\/\/\/passwd', which is an absolute path/,
  ]),
  llamaCase('lm/external-data-missing', (m) => rm(join(m, 'onnx/model.onnx_data')), [
    /model\/onnx\/model\.onnx: tensor '[^']+' .*'model\.onnx_data', which does not exist/,
  ]),
  llamaCase(
    'lm/external-data-is-a-folder',
    async (m) => {
      await rm(join(m, 'onnx/model.onnx_data'));
      await mkdir(join(m, 'onnx/model.onnx_data'));
    },
    [/model\/onnx\/model\.onnx: tensor '[^']+' .*is not a regular file \(a folder\)/],
  ),
  llamaCase(
    'lm/external-data-is-a-device',
    async (m) => {
      await rm(join(m, 'onnx/model.onnx_data'));
      await symlink('/dev/zero', join(m, 'onnx/model.onnx_data'));
    },
    [/model\/onnx\/model\.onnx: tensor '[^']+' .*is not a regular file \(a device, pipe or socket\)/],
  ),
  llamaCase(
    'lm/external-data-link-out-of-folder',
    async (m, dir) => {
      await rename(join(m, 'onnx/model.onnx_data'), join(dir, 'elsewhere.data'));
      await symlink(join(dir, 'elsewhere.data'), join(m, 'onnx/model.onnx_data'));
    },
    [/model\/onnx\/model\.onnx: tensor '[^']+' .*is a link to .*elsewhere\.data, outside the model folder/],
    ['elsewhere.data'],
  ),
  llamaCase('lm/external-data-truncated', (m) => truncate(join(m, 'onnx/model.onnx_data'), 1000), [
    /model\/onnx\/model\.onnx: tensor '[^']+' .*has 1000 bytes, fewer than the \d+ this tensor needs/,
  ]),
  modelCase(
    'lm/external-data-extra-initializer-escapes',
    (m) => appendToGraph(join(m, 'onnx/model.onnx'), 5, externalInitializer('occam_probe', '../../../../etc/hostname')),
    [/model\/onnx\/model\.onnx: tensor 'occam_probe' keeps its data in external file '\.\.\/\.\.\/\.\.\/\.\.\/etc\/hostname', which leaves the model folder/],
  ),
  modelCase('lm/external-data-extra-initializer-empty-location', (m) => appendToGraph(join(m, 'onnx/model.onnx'), 5, externalInitializer('occam_empty', '')), [
    /model\/onnx\/model\.onnx: tensor 'occam_empty' .*is empty \(no location\)/,
  ]),
  {
    name: 'lm/external-data-inside-folder-ok',
    setup: async (dir) => {
      await cp(TINY_LLAMA, join(dir, 'model'), { recursive: true });
      await write(dir, { 'p.jsonl': '{"text": "w1 w2 w3 w1 w2 w3"}\n{"text": "w4 w5 w4 w5 w4"}\n' });
      return extract('model', 'p.jsonl');
    },
    expect: { exit: 0, stdout: [/wrote out: 2 prompts × /] },
  },

  {
    name: 'lm/external-data-link-inside-folder-ok',
    // a hub-cache style layout: the data file is a link to a blob in the same folder tree
    setup: async (dir) => {
      const model = join(dir, 'model');
      await cp(TINY_LLAMA, model, { recursive: true });
      await mkdir(join(model, 'onnx/blobs'));
      await rename(join(model, 'onnx/model.onnx_data'), join(model, 'onnx/blobs/5f3a'));
      await symlink('blobs/5f3a', join(model, 'onnx/model.onnx_data'));
      await write(dir, { 'p.jsonl': '{"text": "w1 w2 w3 w1 w2 w3"}\n' });
      return extract('model', 'p.jsonl');
    },
    expect: { exit: 0, stdout: [/: 1 prompt × /] },
  },
  {
    name: 'lm/external-data-in-subfolder-ok',
    setup: async (dir) => {
      const model = join(dir, 'model');
      await cp(TINY_LLAMA, model, { recursive: true });
      await mkdir(join(model, 'onnx/sub'));
      await rename(join(model, 'onnx/model.onnx_data'), join(model, 'onnx/sub/weights.data'));
      await relocate(model, 'sub/weights.data'.slice(0, 15)); // 'sub/weights.dat'
      await rename(join(model, 'onnx/sub/weights.data'), join(model, 'onnx/sub/weights.dat'));
      await write(dir, { 'p.jsonl': '{"text": "w1 w2 w3 w1 w2 w3"}\n' });
      return extract('model', 'p.jsonl');
    },
    expect: { exit: 0, stdout: [/: 1 prompt × /] },
  },

  // ---------------------------------------------------------------------------------------- behaviours, batching
  {
    name: 'lm/behaviour-unknown',
    setup: async (_dir, fx) => extract(fx.lmModel, fx.lmCondition, 'most-likely-token'),
    expect: { exit: 1, stderr: [/most-likely-token/] },
  },
  {
    name: 'lm/behaviour-target-not-a-token',
    setup: async (_dir, fx) => extract(fx.lmModel, fx.lmCondition, 'target-top1:zebra'),
    expect: { exit: 1, stderr: [/zebra/] },
  },
  {
    name: 'lm/batch-size-zero',
    setup: async (_dir, fx) => [...extract(fx.lmModel, fx.lmCondition), '--batch-size', '0'],
    expect: { exit: 2, stderr: [/--batch-size must be a positive integer/] },
  },
  {
    name: 'lm/batch-size-not-a-number',
    setup: async (_dir, fx) => [...extract(fx.lmModel, fx.lmCondition), '--batch-size', 'lots'],
    expect: { exit: 2, stderr: [/--batch-size must be a positive integer/] },
  },
  {
    name: 'lm/padding-middle',
    setup: async (_dir, fx) => [...extract(fx.lmModel, fx.lmCondition), '--padding', 'middle'],
    expect: { exit: 2, stderr: [/--padding must be left or right/] },
  },

  // ---------------------------------------------------------------------------------------- successes
  {
    name: 'lm/ok-stochastic-copy',
    setup: async (dir, fx) => {
      await write(dir, { 'c.json': json(copyCond) });
      return extract(fx.lmModel, 'c.json');
    },
    expect: { exit: 0, stdout: [/: 8 prompts × /, /condition stochastic-copy;/] },
  },
  {
    name: 'lm/ok-periodic-corrupted-left-padding-batch-5',
    setup: async (dir, fx) => {
      await write(dir, { 'c.json': json(periodicCond) });
      return [...extract(fx.lmModel, 'c.json'), '--padding', 'left', '--batch-size', '5'];
    },
    expect: { exit: 0, stdout: [/: 8 prompts × /, /condition periodic-corrupted;/] },
  },
  {
    name: 'lm/ok-mixture-of-lengths-with-labels',
    setup: async (dir, fx) => {
      await write(dir, {
        'two.jsonl': '{"tokens": [1, 5, 6, 5, 6]}\n{"tokens": [1, 7, 8, 7, 8, 7]}\n{"text": "t9 t10 t9 t10"}\n',
        'c.json': json({
          kind: 'mixture',
          count: 30,
          seed: 4,
          components: [
            { label: 'copy', weight: 2, condition: { ...copyCond, count: undefined, length: 20 } },
            { label: 'noisy-period', weight: 1, condition: { ...periodicCond, count: undefined } },
            { label: 'file', weight: 0.2, condition: { kind: 'jsonl', path: 'two.jsonl' } },
          ],
        }),
      });
      return [...extract(fx.lmModel, 'c.json'), '--json'];
    },
    expect: { exit: 0, stdout: [/"prompts":30/, /"condition":"mixture"/] },
  },
  {
    name: 'lm/ok-template-word-lists',
    setup: async (dir, fx) => {
      await write(dir, {
        'lists/s.txt': 't3\r\nt7\r\n\r\nt11\r\n',
        'lists/o.txt': 't50\nt51\n',
        'c.json': json({
          kind: 'template',
          template: '{S} t1 {O} t2 {S} t1',
          slots: { S: { file: 'lists/s.txt' }, O: { file: 'lists/o.txt' } },
          count: 12,
          seed: 5,
        }),
      });
      return extract(fx.lmModel, 'c.json');
    },
    expect: { exit: 0, stdout: [/: 12 prompts × /, /condition template;/] },
    untouched: ['lists/s.txt', 'lists/o.txt', 'c.json'],
  },
  {
    name: 'lm/ok-condition-with-bom',
    setup: async (dir, fx) => {
      await write(dir, { 'c.json': '\uFEFF' + json(copyCond) });
      return extract(fx.lmModel, 'c.json');
    },
    expect: { exit: 0, stdout: [/condition stochastic-copy;/] },
  },
  {
    name: 'lm/ok-word-list-absolute-path-outside',
    // an absolute path is the user's explicit choice: allowed, unlike a relative one leaving the folder
    setup: async (dir, fx) => {
      await write(dir, {
        'shared/names.txt': 't20\nt21\n',
        'cond/c.json': json({ kind: 'template', template: '{A} t1 {A}', slots: { A: { file: join(dir, 'shared/names.txt') } }, count: 4 }),
      });
      return extract(fx.lmModel, 'cond/c.json');
    },
    expect: { exit: 0, stdout: [/: 4 prompts × /] },
  },
];
