import { helpText, runCommand, type Command } from './cli.js';
import { closestName } from './closestName.js';
import { commands, groups, subcommands, topLevelWords } from './commandTable.js';
import { helpRows } from './options.js';
import { cliVersion } from './version.js';

function overview(): string {
  // The commands that do the work first, then the shell completion.
  const single = commands.filter((c) => !c.name.includes(' ') && c.name !== 'completion' && !c.internal);
  const grouped = [...Object.keys(groups).flatMap((g) => subcommands(g)), ...commands.filter((c) => c.name === 'completion')];
  return [
    "occam — find the minimal interpretable features that predict a system's computation under one condition",
    '',
    'Usage: occam <command> [options]      (occam help <command>, or occam <command> --help, for its options)',
    '',
    'Commands:',
    ...helpRows([...single, ...grouped].map((c) => [c.name, c.summary])),
    '',
    'occam --version prints the version.',
    '',
  ].join('\n');
}

function groupHelp(group: string): string {
  return [
    `occam ${group} — ${groups[group]}`,
    '',
    `Usage: occam ${group} <command> [options]      (occam help ${group} <command>, or occam ${group} <command> --help, for its options)`,
    '',
    'Commands:',
    ...helpRows(subcommands(group).map((c) => [c.name, c.summary])),
    '',
  ].join('\n');
}

const isHelpFlag = (word: string | undefined) => word === '--help' || word === '-h';

function usageError(message: string): number {
  process.stderr.write(`occam: ${message}\nRun 'occam --help' for the commands.\n`);
  return 2;
}

/** A word that is no command: the closest command (one word, or a group and its subcommand) if one is close. */
function unknownCommand(words: string[]): number {
  const [first, second] = words;
  const near = closestName(first, topLevelWords());
  const group = near && near in groups ? near : undefined;
  const sub =
    group && second
      ? closestName(
          second,
          subcommands(group).map((c) => c.name.split(' ')[1]),
        )
      : undefined;
  const suggestion = near ? ` — did you mean 'occam ${sub ? `${group} ${sub}` : near}'?` : '';
  return usageError(`unknown command '${first}'${suggestion}`);
}

/** `occam help [command…]`: the overview, a group's commands, or one command's options. */
function help(words: string[]): number {
  if (words.length === 0) {
    process.stdout.write(overview());
    return 0;
  }
  const [first, second] = words;
  if (first in groups) {
    if (second === undefined) {
      process.stdout.write(groupHelp(first));
      return 0;
    }
    const cmd = commands.find((c) => c.name === `${first} ${second}`);
    if (cmd) return printHelp(cmd);
    const near = closestName(
      second,
      subcommands(first).map((c) => c.name.split(' ')[1]),
    );
    return usageError(`no command 'occam ${first} ${second}'${near ? ` — did you mean 'occam help ${first} ${near}'?` : ''}`);
  }
  const cmd = commands.find((c) => c.name === first);
  if (cmd) return printHelp(cmd);
  const near = closestName(first, topLevelWords());
  return usageError(`no command '${first}'${near ? ` — did you mean 'occam help ${near}'?` : ''}`);
}

function printHelp(cmd: Command): number {
  process.stdout.write(helpText(cmd));
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    process.stdout.write(overview());
    return 2;
  }
  if (isHelpFlag(name)) return help([]);
  if (name === 'help') return help(rest);
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${cliVersion()}\n`);
    return 0;
  }
  if (name.startsWith('-')) {
    const near = closestName(name.replace(/^-+/, ''), ['help', 'version']);
    return usageError(
      `unknown option ${name} before the command${near ? ` — did you mean --${near}?` : ''} (a command's options go after it: occam fit --help)`,
    );
  }
  if (name in groups) {
    const [sub, ...args] = rest;
    if (sub === undefined || isHelpFlag(sub)) {
      (sub === undefined ? process.stderr : process.stdout).write(groupHelp(name));
      return sub === undefined ? 2 : 0;
    }
    const cmd = commands.find((c) => c.name === `${name} ${sub}`);
    if (cmd) return runCommand(cmd, args);
    const near = closestName(
      sub,
      subcommands(name).map((c) => c.name.split(' ')[1]),
    );
    return usageError(`unknown command 'occam ${name} ${sub}'${near ? ` — did you mean 'occam ${name} ${near}'?` : ''}\n\n${groupHelp(name).trimEnd()}`);
  }
  const cmd = commands.find((c) => c.name === name);
  if (cmd) return runCommand(cmd, rest);
  return unknownCommand(argv);
}

// A reader that goes away (occam … --out - | head) ends the output, not occam with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await main(process.argv.slice(2));
