import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { optionTable } from '../src/cli.js';
import { commands, groups } from '../src/commandTable.js';
import { NODE_PARSE_MESSAGE, runCli } from './runCli.js';

// Help, option parsing and routing, through the built CLI; what is expected is read from the command table.

const words = (text: string) => text.split(/\s+/).filter(Boolean).join(' ');

describe('help', () => {
  it('every option of every command is in its --help with its description and default', async () => {
    const helps = await Promise.all(commands.map((cmd) => runCli([...cmd.name.split(' '), '--help'])));
    for (const [i, cmd] of commands.entries()) {
      const r = helps[i];
      expect(r.code, cmd.name).toBe(0);
      const help = words(r.stdout);
      for (const [name, o] of Object.entries(optionTable(cmd))) {
        expect(help, `${cmd.name} --${name}`).toContain(`--${name}${o.type === 'string' ? ` ${o.value}` : ''}`);
        expect(help, `${cmd.name} --${name}`).toContain(words(o.description));
        if (o.default !== undefined) expect(help, `${cmd.name} --${name}`).toContain(`default: ${words(o.default)}`);
        expect(o.description.length, `${cmd.name} --${name} has a description`).toBeGreaterThan(8);
      }
      expect(r.stdout).toMatch(/Example:\n\s+(occam|source) /);
    }
  });

  it('occam help <command> is <command> --help; help on a group lists its commands', async () => {
    const pairs = await Promise.all(commands.map((cmd) => Promise.all([runCli(['help', ...cmd.name.split(' ')]), runCli([...cmd.name.split(' '), '--help'])])));
    for (const [a, b] of pairs) {
      expect(a.code).toBe(0);
      expect(a.stdout).toBe(b.stdout);
    }
    for (const group of Object.keys(groups)) {
      const subs = commands.filter((c) => c.name.startsWith(`${group} `));
      for (const args of [
        ['help', group],
        [group, '--help'],
        [group, '-h'],
      ]) {
        const r = await runCli(args);
        expect(r.code, args.join(' ')).toBe(0);
        for (const sub of subs) expect(r.stdout).toContain(sub.name);
      }
      // A group without its subcommand is a usage error that still shows what it holds.
      const bare = await runCli([group]);
      expect(bare.code).toBe(2);
      for (const sub of subs) expect(bare.stderr).toContain(sub.name);
    }
  });

  it('occam --help lists every command but the internal ones; --version is the package version', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of commands) {
      if (cmd.internal) expect(r.stdout).not.toMatch(new RegExp(`^\\s+${cmd.name}\\s`, 'm'));
      else expect(r.stdout).toContain(cmd.name);
    }
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    const v = await runCli(['--version']);
    expect(v.stdout.trim()).toBe(pkg.version);
  });
});

describe('strict parsing with the closest known name', () => {
  const cases: [string[], RegExp][] = [
    [['fit', '--sepc', 'x.json'], /occam fit: unknown option --sepc — did you mean --spec\?/],
    [['search', '--max-lg', '4'], /unknown option --max-lg — did you mean --max-lag\?/],
    [['fit', '--frobnicate'], /occam fit: unknown option --frobnicate\n/],
    [['fti'], /unknown command 'fti' — did you mean 'occam fit'\?/],
    [['nueron', 'reduce'], /unknown command 'nueron' — did you mean 'occam neuron reduce'\?/],
    [['lm', 'extrct'], /unknown command 'occam lm extrct' — did you mean 'occam lm extract'\?/],
    [['help', 'serch'], /no command 'serch' — did you mean 'occam help search'\?/],
    [['--verison'], /unknown option --verison before the command — did you mean --version\?/],
    [
      ['dynamics', '--metric', 'stratifiedAUROC'],
      /--metric must be stratifiedAuroc, trialToTrialAuroc, auroc or bitsPerEventOverPsth, got 'stratifiedAUROC' — did you mean 'stratifiedAuroc'\?/,
    ],
    [['lm', 'extract', '--padding', 'rigth'], /--padding must be left or right, got 'rigth' — did you mean 'right'\?/],
    [['fit', '--data'], /--data needs a value \(DIR\)/],
    [
      ['fit', '--data', 'd', '--spec', 's', '--out', '--json'],
      /--out needs a value \(FILE\), but the next word is the option --json; to give a value that starts with '-', write --out=--json/,
    ],
    [['fit', '--json=yes'], /--json takes no value/],
    [['fit', '-x'], /unknown option -x/],
    [['fit', 'data/neuron/v1-C2'], /unexpected argument 'data\/neuron\/v1-C2' \(occam fit takes options only/],
    [['fit', '--data', 'd'], /missing --spec FILE, --out FILE/],
    [
      ['fit', '--data', 'd', '--spec', 's', '--out', 'o.json', '--resamples', '10'],
      /--resamples sets the control comparison's bootstrap; give --control-data DIR too/,
    ],
    [['completion', 'fish'], /SHELL must be bash or zsh, got 'fish'/],
    // Judged by the search's own schema before the (missing) dataset is read, and named by the option.
    [['search', '--data', 'none', '--max-lag', '4', '--out', 'o.json', '--folds', '1'], /--folds 1: too small: expected number to be >=2/],
    [['search', '--data', 'none', '--max-lag', '-3', '--out', 'o.json'], /--max-lag -3: too small/],
  ];
  for (const [args, message] of cases) {
    it(`occam ${args.join(' ')}`, async () => {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(NODE_PARSE_MESSAGE);
      expect(r.stderr).not.toMatch(/\s+at .*\.js:\d+/);
    });
  }

  it('--behavior and --behaviour are one option', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'occam-behavior-'));
    for (const spelling of ['--behaviour', '--behavior']) {
      // Parsed and accepted: the run gets as far as reading the (missing) checkpoints folder.
      const r = await runCli([
        'dynamics',
        '--checkpoints',
        join(dir, 'none'),
        '--condition',
        join(dir, 'c.json'),
        spelling,
        'next-token-correct',
        '--out',
        join(dir, 'd.json'),
      ]);
      expect(r.stderr, spelling).not.toMatch(/unknown option|missing --behaviour/);
      expect(r.code, r.stderr).toBe(1);
    }
    // Both spellings fill one option: given both, the last counts, as for any option given twice.
    const model = fileURLToPath(new URL('../../../data/models/induction-2l-s1', import.meta.url));
    const condition = fileURLToPath(new URL('../../../examples/repeated-random.condition.json', import.meta.url));
    const extract = (first: string, second: string, out: string) =>
      runCli(['lm', 'extract', '--model', model, '--condition', condition, '--behaviour', first, '--behavior', second, '--out', join(dir, out), '--quiet']);
    const lastValid = await extract('bogus', 'next-token-correct', 'a');
    expect(lastValid.code, lastValid.stderr).toBe(0);
    const lastBogus = await extract('next-token-correct', 'bogus', 'b');
    expect(lastBogus.code).toBe(1);
    expect(lastBogus.stderr).toMatch(/--behaviour 'bogus'/);
  });

  it('a negative number is a value; --option=value works for any', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'occam-negative-'));
    for (const args of [['--spike-threshold', '-20'], ['--spike-threshold=-20']]) {
      const r = await runCli(['neuron', 'import', '--isf', join(dir, 'none'), '--out', join(dir, 'ds'), ...args]);
      expect(r.stderr).not.toMatch(/needs a value|unknown option/);
      expect(r.code).toBe(1);
    }
  });
});
