import { parseArgs, type ParseArgsConfig } from 'node:util';
import { checkOutputPath, OccamError, type OutputKind } from '@occam/core';

/** Exit codes: 0 success, 1 failure (bad data, failed fit), 2 bad usage. */
export class UsageError extends Error {}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  example: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /**
   * Options that name outputs, checked before `run` starts any work (kind, ownership, writable, not an
   * input): see `checkOutputPath`. A command whose outputs derive from an option checks them itself.
   */
  outputs?: { option: string; kind: OutputKind }[];
  /** The paths this invocation reads (option values, positionals): an output may neither be nor contain one. */
  inputs?(values: Record<string, unknown>, positionals: string[]): (string | undefined)[];
  run(args: { values: Record<string, unknown>; positionals: string[]; io: Io }): Promise<void>;
}

export interface Io {
  json: boolean;
  quiet: boolean;
  out(text: string): void;
  err(text: string): void;
  /** A progress line with ETA on a terminal; silent when stderr is not a TTY or --quiet. */
  progress(label: string): (done: number, total: number) => void;
}

export const commonOptions = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  force: { type: 'boolean' },
} as const;

export function makeIo(json: boolean, quiet: boolean): Io {
  const tty = process.stderr.isTTY === true;
  return {
    json,
    quiet,
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
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

export function helpText(cmd: Command): string {
  const opts = Object.entries(cmd.options)
    .map(([name, o]) => `  --${name}${o.type === 'string' ? ' VALUE' : ''}${'short' in o && o.short ? `, -${o.short}` : ''}`)
    .join('\n');
  return `occam ${cmd.name} — ${cmd.summary}\n\nUsage: ${cmd.usage}\n\nOptions:\n${opts}\n\nExample:\n  ${cmd.example}\n`;
}

export async function runCommand(cmd: Command, argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...commonOptions, ...cmd.options }, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`occam ${cmd.name}: ${(error as Error).message}\nRun 'occam ${cmd.name} --help' for usage.\n`);
    return 2;
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help) {
    process.stdout.write(helpText(cmd));
    return 0;
  }
  const io = makeIo(values.json === true, values.quiet === true);
  try {
    for (const o of cmd.outputs ?? []) {
      const path = values[o.option];
      if (typeof path !== 'string' || path === '') continue;
      await checkOutputPath({ path, kind: o.kind, label: `--${o.option}`, inputs: inputsOf(cmd, values, parsed.positionals), force: values.force === true });
    }
    await cmd.run({ values, positionals: parsed.positionals, io });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`occam ${cmd.name}: ${error.message}\nRun 'occam ${cmd.name} --help' for usage.\n`);
      return 2;
    }
    if (error instanceof OccamError) {
      process.stderr.write(`occam ${cmd.name}: ${error.message}\n`);
      return 1;
    }
    if (process.env.OCCAM_DEBUG) throw error;
    process.stderr.write(`occam ${cmd.name}: unexpected failure: ${(error as Error).message}\n(set OCCAM_DEBUG=1 for a stack trace)\n`);
    return 1;
  }
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
