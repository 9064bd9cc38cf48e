import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReducedModelSchema, SearchResultSchema } from '@occam/core';
import { writePlantedCell } from './plantedCell.js';
import { runCli } from './runCli.js';

// What goes where: results on stdout, warnings on stderr; `--out -` puts the output itself on stdout and the
// summary on stderr, and never makes a file named '-'.

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'occam-streams-'));
  await writePlantedCell(dir);
});

describe('--out -', () => {
  it('fit writes the model to stdout and the summary to stderr', async () => {
    const r = await runCli(['fit', '--data', 'ds', '--spec', 'spec.json', '--out', '-'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(ReducedModelSchema.safeParse(JSON.parse(r.stdout)).success).toBe(true);
    expect(r.stderr).toMatch(/AUROC per bin/);
    expect(r.stderr).not.toMatch(/wrote/);
    expect(existsSync(join(dir, '-'))).toBe(false);
  });

  it('search writes its result to stdout', async () => {
    const r = await runCli(['search', '--data', 'ds', '--max-lag', '4', '--strategies', 'forward', '--threads', '1', '--out', '-', '--quiet'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(SearchResultSchema.safeParse(JSON.parse(r.stdout)).success).toBe(true);
    expect(existsSync(join(dir, '-'))).toBe(false);
  });

  it('report writes the page to stdout', async () => {
    const fit = await runCli(['fit', '--data', 'ds', '--spec', 'spec.json', '--out', 'model.json', '--quiet'], { cwd: dir });
    expect(fit.code, fit.stderr).toBe(0);
    const r = await runCli(['report', 'model.json', '--data', 'ds', '--out', '-'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^<!doctype html>/i);
    expect(r.stdout.trimEnd()).toMatch(/<\/html>$/);
    expect(existsSync(join(dir, '-'))).toBe(false);
  });

  it('is refused, before any work, where it cannot mean stdout', async () => {
    const cases: [string[], RegExp][] = [
      [['neuron', 'import', '--isf', 'none', '--out', '-'], /--out -: '-' means standard output, which takes a single file; --out is a folder/],
      [['lm', 'extract', '--model', 'm', '--condition', 'c', '--behaviour', 'next-token-correct', '--out', '-'], /--out is a folder/],
      [['demo', '--out', '-'], /--out -: '-' is not a path here/],
      [['fit', '--data', '-', '--spec', 'spec.json', '--out', 'm.json'], /--data -: '-' is not a path here \(only --out takes '-'/],
      [['fit', '--data', 'ds', '--spec', 'spec.json', '--out', '-', '--json'], /--out - and --json both write to stdout/],
      [
        ['lm', 'reduce', '--model', 'm', '--condition', 'c', '--behaviour', 'next-token-correct', '--out', '-'],
        /--out - writes the model to stdout; give --dataset DIR/,
      ],
      [['report', '-', '--out', 'r.html'], /RESULT\.json '-': occam reads no standard input/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect((await readdir(dir)).filter((n) => n === '-' || n.startsWith('-.'))).toEqual([]);
  });
});

describe('warnings go to stderr, the summary to stdout', () => {
  it('fit beside a control that is the system itself: the control warning is on stderr only', async () => {
    // The same dataset as its own control reaches 100 % of the gain: the comparison warns.
    const r = await runCli(['fit', '--data', 'ds', '--spec', 'spec.json', '--control-data', 'ds', '--resamples', '50', '--out', 'ctl.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/control: control/);
    expect(r.stdout).toMatch(/selectivity/);
    expect(r.stdout).not.toMatch(/warning/);
    expect(r.stderr).toMatch(/warning: the control control reaches 100 % of the gain/);
  });

  it("compare: a system's control warning on stderr; with --out - the comparison on stdout", async () => {
    const fit = await runCli(
      ['fit', '--data', 'ds', '--spec', 'spec.json', '--control-data', 'ds', '--resamples', '50', '--out', 'self-control.json', '--quiet'],
      { cwd: dir },
    );
    expect(fit.code, fit.stderr).toBe(0);
    const systems = ['--system', 'a=self-control.json@ds', '--system', 'b=self-control.json@ds', '--resamples', '50'];
    const r = await runCli(['compare', ...systems, '--out', 'compare.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/selectivity beside its control/);
    expect(r.stdout).not.toMatch(/warning/);
    expect(r.stderr).toMatch(/warning: a: the control control reaches 100 % of the gain/);
    const piped = await runCli(['compare', ...systems, '--out', '-'], { cwd: dir });
    expect(piped.code, piped.stderr).toBe(0);
    expect(JSON.parse(piped.stdout).format).toBe(JSON.parse(await readFile(join(dir, 'compare.json'), 'utf8')).format);
    expect(piped.stderr).toMatch(/cross-prediction/);
    expect(existsSync(join(dir, '-'))).toBe(false);
  });
});
