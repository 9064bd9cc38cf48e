import { runCommand, type Command } from './cli.js';
import { demoCommand } from './commands/demo.js';
import { dynamicsCommand } from './commands/dynamics.js';
import { compareCommand } from './commands/compare.js';
import { fitCommand } from './commands/fit.js';
import { lmExtractCommand, lmHooksCommand, lmReduceCommand } from './commands/lm.js';
import { neuronImportCommand, neuronReduceCommand } from './commands/neuron.js';
import { reportCommand } from './commands/report.js';
import { searchCommand } from './commands/search.js';

const commands: Command[] = [demoCommand, fitCommand, searchCommand, compareCommand, dynamicsCommand, reportCommand, neuronImportCommand, neuronReduceCommand, lmHooksCommand, lmExtractCommand, lmReduceCommand];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'occam — find the minimal interpretable features that predict a system\'s computation under one condition',
    '',
    'Usage: occam <command> [options]      (occam <command> --help for details)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(overview());
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write('0.1.0\n');
    return 0;
  }
  // Two-word commands ("neuron reduce", "lm extract") are matched before one-word ones.
  const two = rest.length > 0 ? commands.find((c) => c.name === `${name} ${rest[0]}`) : undefined;
  if (two) return runCommand(two, rest.slice(1));
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`occam: unknown command '${name}'\n\n${overview()}`);
    return 2;
  }
  return runCommand(cmd, rest);
}

process.exitCode = await main(process.argv.slice(2));
