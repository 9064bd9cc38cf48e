import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestName } from './closestName.js';
import { UsageError } from './usageError.js';

/**
 * One option of a command: what --help prints, what the parser accepts and what shell completion offers are all
 * read from this, so the three cannot drift apart.
 */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** One line (wrapped by --help): what the option does, in the user's terms. */
  description: string;
  /** The value's placeholder in --help and usage lines: DIR, FILE, N … (string options). */
  value?: string;
  /** What happens when the option is absent, as --help prints it. */
  default?: string;
  /** The only values accepted; a wrong one is a usage error that names the closest. */
  choices?: readonly string[];
  multiple?: boolean;
  short?: string;
  /** Other spellings accepted as the same option (`--behavior` for `--behaviour`). */
  aliases?: readonly string[];
  /** Needed on every call: checked before the command starts. */
  required?: boolean;
  /** What the value names, for shell completion and for refusing `-` where it cannot mean stdout. */
  path?: 'file' | 'directory';
  /** `-` writes this single-file output to stdout (the summary then goes to stderr). */
  stdout?: boolean;
  /** Words shell completion offers for an open-ended value (besides paths, where `path` is set). */
  suggestions?: readonly string[];
}

export type OptionTable = Record<string, OptionSpec>;

export type CommonOptionName = 'help' | 'json' | 'quiet' | 'force';

/** The options every command takes (some commands take only --help). */
export const commonOptions: Record<CommonOptionName, OptionSpec> = {
  help: { type: 'boolean', short: 'h', description: 'show this help and exit' },
  json: { type: 'boolean', description: 'print the result as one JSON object on stdout instead of the summary' },
  quiet: { type: 'boolean', short: 'q', description: 'print no summary, notes or fit warnings (errors still go to stderr)' },
  force: { type: 'boolean', description: 'replace an existing output that occam did not write (refused by default)' },
};

export interface ParsedCommandLine {
  values: Record<string, unknown>;
  positionals: string[];
}

/**
 * Strict parsing against an option table. Node's parseArgs splits the words (so `--x=v`, `-qh` and `--` mean
 * what they mean everywhere); every decision after that is made here, so that each mistake gets occam's own
 * message — the closest known option or value, how to give a value that starts with '-' — and never Node's.
 */
export function parseCommandLine(table: OptionTable, argv: string[]): ParsedCommandLine {
  const byName = new Map<string, [string, OptionSpec]>();
  const config: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(table)) {
    for (const spelling of [name, ...(spec.aliases ?? [])]) {
      byName.set(spelling, [name, spec]);
      config[spelling] = { type: spec.type, ...(spelling === name && spec.short ? { short: spec.short } : {}) };
    }
  }
  const { tokens } = parseArgs({ args: argv, options: config, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const known = byName.get(token.name);
    if (!known) throw new UsageError(unknownOptionMessage(token.rawName, table));
    const [name, spec] = known;
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`--${name} takes no value (got ${token.rawName}=${token.value})`);
      values[name] = true;
      continue;
    }
    const placeholder = spec.value ?? 'VALUE';
    if (token.value === undefined) throw new UsageError(`--${name} needs a value (${placeholder})`);
    // Node takes the next word as the value even when it is an option (`--out --json`); a number like -20 is a value.
    if (!token.inlineValue && /^-[^\d.]/.test(token.value)) {
      throw new UsageError(
        `--${name} needs a value (${placeholder}), but the next word is the option ${token.value}; to give a value that starts with '-', write --${name}=${token.value}`,
      );
    }
    if (spec.choices && !spec.choices.includes(token.value)) throw new UsageError(choiceMessage(name, spec.choices, token.value));
    // Given twice, the last one counts (as in most tools: a wrapper's default can be overridden after it).
    if (spec.multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), token.value];
    else values[name] = token.value;
  }
  return { values, positionals };
}

function unknownOptionMessage(rawName: string, table: OptionTable): string {
  if (!rawName.startsWith('--')) {
    const shorts = Object.entries(table)
      .filter(([, s]) => s.short)
      .map(([n, s]) => `-${s.short} (--${n})`);
    return `unknown option ${rawName}${shorts.length ? `; short options here: ${shorts.join(', ')}` : ''}`;
  }
  const spellings = Object.entries(table).flatMap(([n, s]) => [n, ...(s.aliases ?? [])]);
  const near = closestName(rawName.slice(2), spellings);
  return `unknown option ${rawName}${near ? ` — did you mean --${near}?` : ''}`;
}

export function choiceMessage(name: string, choices: readonly string[], got: string): string {
  const list = choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}` : choices[0];
  const near = closestName(got, choices);
  return `--${name} must be ${list}, got '${got}'${near ? ` — did you mean '${near}'?` : ''}`;
}

/** The options in --help: name and value, then the description wrapped under a fixed column, its default and choices. */
export function optionLines(table: OptionTable, width = 100): string[] {
  return helpRows(
    Object.entries(table).map(([name, spec]) => {
      const value = spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : '';
      const notes = [
        spec.required ? 'required' : '',
        spec.choices && !spec.choices.every((c) => spec.description.includes(c)) ? `one of: ${spec.choices.join(', ')}` : '',
        spec.default !== undefined ? `default: ${spec.default}` : '',
        spec.multiple ? 'may be repeated' : '',
        spec.aliases?.length ? `also spelt ${spec.aliases.map((a) => `--${a}`).join(', ')}` : '',
      ].filter(Boolean);
      return [`${spec.short ? `-${spec.short}, ` : '    '}--${name}${value}`, spec.description + (notes.length ? ` (${notes.join('; ')})` : '')];
    }),
    width,
  );
}

/** Two-column help: each head, then its text wrapped under one column (a head too long for it gets a line of its own). */
export function helpRows(rows: [head: string, text: string][], width = 100): string[] {
  const column = Math.min(34, Math.max(...rows.map(([h]) => h.length)) + 2) + 2;
  return rows.flatMap(([h, text]) => {
    const head = `  ${h}`;
    const wrapped = wrap(text, width - column);
    const first = head.length < column ? [head.padEnd(column) + wrapped[0]] : [head, ' '.repeat(column) + wrapped[0]];
    return [...first, ...wrapped.slice(1).map((line) => ' '.repeat(column) + line)];
  });
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}
