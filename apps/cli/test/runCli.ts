import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The built CLI, run as a user runs it (`npm run build` first). */
export const bin = fileURLToPath(new URL('../bin/occam.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], options: { cwd?: string } = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { maxBuffer: 1 << 26, cwd: options.cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Node's own parseArgs wording, which must never reach a user. */
export const NODE_PARSE_MESSAGE = /ERR_PARSE_ARGS|Unknown option '|To specify a positional argument|argument is ambiguous/;
