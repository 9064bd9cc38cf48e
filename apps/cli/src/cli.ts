import { checkOutputPath, claimWorkFolder, OccamError, type OutputKind } from '@occam/core';
import { commonOptions, helpRows, optionLines, parseCommandLine, type CommonOptionName, type OptionTable } from './options.js';
import { STDOUT } from './stdoutOutput.js';
import { UsageError } from './usageError.js';

export { UsageError };

/** Exit codes: 0 success, 1 failure (bad data, failed fit), 2 bad usage. */
export interface Command {
  name: string;
  summary: string;
  /** Run by occam itself (e.g. in a SLURM array task), not by a person: left out of the overview and of completion. */
  internal?: boolean;
  /** The usage line, where the one made from the table cannot say it (e.g. "one of --isf or --data"). */
  usage?: string;
  /** Text printed by --help after the options. */
  details?: string;
  example: string;
  options: OptionTable;
  /** The words after the options, if the command takes any. */
  positionals?: { name: string; description: string; multiple?: boolean; required?: boolean; path?: 'file' | 'directory'; choices?: readonly string[] };
  /** Which common options the command takes (default: all). */
  common?: readonly CommonOptionName[];
  /**
   * Options that name outputs, checked before `run` starts any work (kind, ownership, writable, not an
   * input): see `checkOutputPath`. A command whose outputs derive from an option checks them itself.
   */
  outputs?: { option: string; kind: OutputKind | 'work-folder' }[];
  /** The paths this invocation reads (option values, positionals): an output may neither be nor contain one. */
  inputs?(values: Record<string, unknown>, positionals: string[]): (string | undefined)[];
  run(args: { values: Record<string, unknown>; positionals: string[]; io: Io }): Promise<void>;
}

export interface Io {
  json: boolean;
  quiet: boolean;
  /** The summary: stdout, or stderr when stdout carries the output itself (`--out -`). */
  out(text: string): void;
  err(text: string): void;
  /** A progress line with ETA on a terminal; silent when stderr is not a TTY or --quiet. */
  progress(label: string): (done: number, total: number) => void;
}

/** Every option a command accepts: its own, then the common ones it takes. */
export function optionTable(cmd: Command): OptionTable {
  const common = cmd.common ?? (Object.keys(commonOptions) as CommonOptionName[]);
  return { ...cmd.options, ...Object.fromEntries(common.map((n) => [n, commonOptions[n]])) };
}

export function makeIo(json: boolean, quiet: boolean, summaryToStderr = false): Io {
  const tty = process.stderr.isTTY === true;
  const write = (stream: NodeJS.WriteStream) => (text: string) => stream.write(text.endsWith('\n') ? text : text + '\n');
  return {
    json,
    quiet,
    out: write(summaryToStderr ? process.stderr : process.stdout),
    err: write(process.stderr),
    progress(label) {
      if (!tty || quiet) return () => {};
      const start = Date.now();
      return (done, total) => {
        const frac = total > 0 ? done / total : 0;
        const elapsed = (Date.now() - start) / 1000;
        const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : NaN;
        const width = 24;
        const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
        const etaText = Number.isFinite(eta) ? ` ETA ${eta.toFixed(0)}s` : '';
        process.stderr.write(`\r${label} ${bar} ${done}/${total}${etaText}\x1b[K`);
        if (done >= total) process.stderr.write('\r\x1b[K');
      };
    },
  };
}

/** The usage line made from the table: required options with their values, positionals, then [options]. */
export function usageLine(cmd: Command): string {
  if (cmd.usage) return cmd.usage;
  const required = Object.entries(cmd.options)
    .filter(([, o]) => o.required)
    .map(([name, o]) => `--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`);
  const p = cmd.positionals;
  const positional = p ? [p.required === false ? `[${p.name}${p.multiple ? '…' : ''}]` : `${p.name}${p.multiple ? '…' : ''}`] : [];
  return ['occam', cmd.name, ...positional, ...required, '[options]'].join(' ');
}

export function helpText(cmd: Command): string {
  const common = cmd.common ?? (Object.keys(commonOptions) as CommonOptionName[]);
  const sections = [`occam ${cmd.name} — ${cmd.summary}`, `Usage: ${usageLine(cmd)}`];
  if (cmd.positionals) sections.push(`Arguments:\n${helpRows([[`    ${cmd.positionals.name}`, cmd.positionals.description]]).join('\n')}`);
  if (Object.keys(cmd.options).length) sections.push(`Options:\n${optionLines(cmd.options).join('\n')}`);
  sections.push(`Common options:\n${optionLines(Object.fromEntries(common.map((n) => [n, commonOptions[n]]))).join('\n')}`);
  if (cmd.details) sections.push(cmd.details.replace(/^\n+/, ''));
  sections.push(`Example:\n  ${cmd.example}`);
  return sections.join('\n\n') + '\n';
}

export async function runCommand(cmd: Command, argv: string[]): Promise<number> {
  const usage = (message: string) => {
    process.stderr.write(`occam ${cmd.name}: ${message}\nRun 'occam ${cmd.name} --help' for usage.\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseCommandLine(optionTable(cmd), argv);
    if (parsed.values.help) {
      process.stdout.write(helpText(cmd));
      return 0;
    }
    checkCommandLine(cmd, parsed.values, parsed.positionals);
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    throw error;
  }
  const values = parsed.values;
  const toStdout = Object.entries(cmd.options).some(([name, o]) => o.stdout && values[name] === STDOUT);
  const io = makeIo(values.json === true, values.quiet === true, toStdout);
  try {
    for (const o of cmd.outputs ?? []) {
      const path = values[o.option];
      if (typeof path !== 'string' || path === '' || path === STDOUT) continue;
      const check = { inputs: inputsOf(cmd, values, parsed.positionals), force: values.force === true };
      if (o.kind === 'work-folder') await claimWorkFolder(path, { ...check, label: `--${o.option}` });
      else await checkOutputPath({ path, kind: o.kind, label: `--${o.option}`, ...check });
    }
    await cmd.run({ values, positionals: parsed.positionals, io });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    if (error instanceof OccamError) {
      process.stderr.write(`occam ${cmd.name}: ${error.message}\n`);
      return 1;
    }
    if (process.env.OCCAM_DEBUG) throw error;
    process.stderr.write(`occam ${cmd.name}: unexpected failure: ${(error as Error).message}\n(set OCCAM_DEBUG=1 for a stack trace)\n`);
    return 1;
  }
}

/** What the table says about one call, checked before any work: required options, positionals, where '-' may stand. */
function checkCommandLine(cmd: Command, values: Record<string, unknown>, positionals: string[]): void {
  const p = cmd.positionals;
  if (!p && positionals.length) {
    throw new UsageError(
      `unexpected argument '${positionals[0]}' (occam ${cmd.name} takes options only${/^[\w.-]+$/.test(positionals[0]) ? '; an option needs its -- in front' : ''})`,
    );
  }
  const missing = Object.entries(cmd.options).filter(([name, o]) => o.required && (values[name] === undefined || values[name] === ''));
  if (missing.length)
    throw new UsageError(`missing ${missing.map(([name, o]) => `--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`).join(', ')}`);
  if (p && p.required !== false && positionals.length === 0) throw new UsageError(`missing ${p.name}`);
  if (p && !p.multiple && positionals.length > 1) throw new UsageError(`give one ${p.name}, got ${positionals.length}: ${positionals.join(' ')}`);
  if (p?.choices) for (const v of positionals) if (!p.choices.includes(v)) throw new UsageError(`${p.name} must be ${p.choices.join(' or ')}, got '${v}'`);
  if (p?.path && positionals.includes(STDOUT)) throw new UsageError(`${p.name} '-': occam reads no standard input; give a path`);
  for (const [name, o] of Object.entries(cmd.options)) {
    const given = ([] as unknown[]).concat(values[name] ?? []);
    if (!o.path || o.stdout || !given.includes(STDOUT)) continue;
    const output = cmd.outputs?.find((x) => x.option === name);
    const stdoutOptions = Object.entries(cmd.options)
      .filter(([, x]) => x.stdout)
      .map(([n]) => `--${n}`);
    throw new UsageError(
      output?.kind === 'directory'
        ? `--${name} -: '-' means standard output, which takes a single file; --${name} is a folder (a Dataset) — give a path`
        : `--${name} -: '-' is not a path here${stdoutOptions.length ? ` (only ${stdoutOptions.join(', ')} takes '-' for standard output)` : ''}; give a path`,
    );
  }
  const stdoutOption = Object.entries(cmd.options).find(([name, o]) => o.stdout && values[name] === STDOUT);
  if (stdoutOption && values.json === true) throw new UsageError(`--${stdoutOption[0]} - and --json both write to stdout; drop one of them`);
}

/** The input paths of one invocation, for the output checks. */
export function inputsOf(cmd: Command, values: Record<string, unknown>, positionals: string[]): string[] {
  return (cmd.inputs?.(values, positionals) ?? []).filter((p): p is string => typeof p === 'string' && p.length > 0);
}

export function requireString(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.length === 0) throw new UsageError(`missing --${name}`);
  return v;
}

/** A numeric option: undefined (or the fallback) when absent, a usage error naming the option when not a number. */
export function numberOption(values: Record<string, unknown>, name: string, fallback?: number): number | undefined {
  const v = values[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${String(v)}'`);
  return n;
}
