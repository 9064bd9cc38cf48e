import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { optionTable } from '../src/cli.js';
import { commands, groups } from '../src/commandTable.js';
import { runCli } from './runCli.js';

// The completion scripts the built CLI prints, loaded into a real bash (and zsh where installed) and asked to
// complete; what they must offer is read from the command table.

let dir: string;
let bashScript: string;
let zshScript: string;
const hasZsh = spawnSync('zsh', ['-c', 'true']).status === 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'occam-completion-'));
  const bash = await runCli(['completion', 'bash']);
  const zsh = await runCli(['completion', 'zsh']);
  expect(bash.code, bash.stderr).toBe(0);
  expect(zsh.code, zsh.stderr).toBe(0);
  bashScript = join(dir, 'occam.bash');
  zshScript = join(dir, '_occam');
  await writeFile(bashScript, bash.stdout);
  await writeFile(zshScript, zsh.stdout);
  // Something to complete paths against.
  await mkdir(join(dir, 'work', 'dataset-a'), { recursive: true });
  await writeFile(join(dir, 'work', 'spec-a.json'), '{}');
});

/** What bash's completion offers for the command line `line` (the cursor at its end). */
function bashComplete(line: string): string[] {
  const words = line.split(' ');
  const script = `source ${JSON.stringify(bashScript)}
COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}
_occam; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', script], { cwd: join(dir, 'work'), encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('bash completion', () => {
  it('registers _occam for occam', () => {
    const r = spawnSync('bash', ['-c', `source ${JSON.stringify(bashScript)}; complete -p occam`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('complete -F _occam occam');
  });

  it('completes command words, subcommands and help topics', () => {
    expect(bashComplete('occam fi')).toEqual(['fit']);
    expect(bashComplete('occam ne')).toEqual(['neuron']);
    expect(bashComplete('occam neuron ')).toEqual(['import', 'reduce']);
    expect(bashComplete('occam lm r')).toEqual(['reduce']);
    expect(bashComplete('occam help se')).toEqual(['search']);
    expect(bashComplete('occam help lm ')).toEqual(['extract', 'hooks', 'reduce']);
    expect(bashComplete('occam completion ')).toEqual(['bash', 'zsh']);
    const top = bashComplete('occam ');
    for (const c of commands) {
      if (c.internal) expect(top, c.name).not.toContain(c.name);
      else expect(top).toContain(c.name.split(' ')[0]);
    }
    for (const g of Object.keys(groups)) expect(top).toContain(g);
  });

  it('offers every option of every command, and only its own', () => {
    for (const cmd of commands.filter((c) => !c.internal)) {
      const expected = Object.entries(optionTable(cmd))
        .flatMap(([name, o]) => [`--${name}`, ...(o.aliases ?? []).map((a) => `--${a}`)])
        .sort();
      expect(bashComplete(`occam ${cmd.name} --`), cmd.name).toEqual(expected);
    }
    expect(bashComplete('occam fit --sp')).toEqual(['--spec']);
    expect(bashComplete('occam lm reduce --beh')).toEqual(['--behavior', '--behaviour']);
  });

  it("completes an option's value: its choices, a folder or a file", () => {
    expect(bashComplete('occam dynamics --metric st')).toEqual(['stratifiedAuroc']);
    expect(bashComplete('occam search --sufficiency ')).toEqual(['bootstrap', 'tolerance']);
    expect(bashComplete('occam fit --data ')).toEqual(['dataset-a']);
    expect(bashComplete('occam fit --spec spec')).toEqual(['spec-a.json']);
    expect(bashComplete('occam lm reduce --control ')).toEqual(['dataset-a', 'none', 'random']);
    expect(bashComplete('occam fit --out = sp')).toEqual(['spec-a.json']);
    expect(bashComplete('occam report ')).toEqual(['dataset-a', 'spec-a.json']);
  });
});

describe.skipIf(!hasZsh)('zsh completion', () => {
  it('parses, and registers _occam for occam after compinit', () => {
    const syntax = spawnSync('zsh', ['-n', zshScript], { encoding: 'utf8' });
    expect(syntax.status, syntax.stderr).toBe(0);
    const r = spawnSync('zsh', ['-f', '-c', `autoload -U compinit && compinit -u -D && source ${JSON.stringify(zshScript)} && print -r -- $_comps[occam]`], {
      encoding: 'utf8',
      env: { ...process.env, HOME: dir },
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('_occam');
  });

  /** Type `line` and a tab into an interactive zsh (in a pseudo-terminal); whether the screen, escapes removed, shows `expected`. */
  function zshShows(line: string, expected: string): boolean {
    const script = `zmodload zsh/zpty; setopt extendedglob
zpty -b z zsh -f -i
zpty -w z ${JSON.stringify(`PS1='%% '; autoload -U compinit; compinit -u -D; source ${zshScript}; cd ${join(dir, 'work')}`)}
zpty -w -n z ${JSON.stringify(line)}$'\\t'
screen=''
for i in {1..100}; do
  zpty -r -t z chunk && screen+=$chunk
  clean=\${screen//$'\\e'\\[[0-9;?]#[a-zA-Z]/}
  [[ $clean == *${JSON.stringify(expected)}* ]] && { print FOUND; exit 0 }
  sleep 0.1
done
print -r -- "$clean"`;
    const r = spawnSync('zsh', ['-f', '-c', script], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, HOME: dir } });
    if (!r.stdout.includes('FOUND')) console.error(`zsh screen for '${line}':\n${r.stdout}${r.stderr}`);
    return r.stdout.includes('FOUND');
  }

  it('completes commands, option values and paths in an interactive zsh', () => {
    expect(zshShows('occam fi', 'occam fit')).toBe(true);
    expect(zshShows('occam neuron ', 'reduce')).toBe(true);
    expect(zshShows('occam dynamics --metric st', '--metric stratifiedAuroc')).toBe(true);
    expect(zshShows('occam fit --data ', '--data dataset-a/')).toBe(true);
    expect(zshShows('occam lm reduce --control ', 'random')).toBe(true);
  });
});
