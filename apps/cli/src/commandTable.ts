import type { Command } from './cli.js';
import { boundCommand } from './commands/bound.js';
import { compareCommand } from './commands/compare.js';
import { composeCommand } from './commands/compose.js';
import { completionCommand } from './commands/completion.js';
import { demoCommand } from './commands/demo.js';
import { dynamicsCommand } from './commands/dynamics.js';
import { fitCommand } from './commands/fit.js';
import { interveneCommand } from './commands/intervene.js';
import { lmExtractCommand, lmHooksCommand, lmReduceCommand } from './commands/lm.js';
import { neuronImportCommand, neuronReduceCommand } from './commands/neuron.js';
import { reportCommand } from './commands/report.js';
import { searchCommand } from './commands/search.js';
import { taskCommand } from './commands/task.js';

/** Every command, in the order `occam --help` lists them. Help, routing and shell completion all read this. */
export const commands: Command[] = [
  demoCommand,
  fitCommand,
  searchCommand,
  compareCommand,
  composeCommand,
  boundCommand,
  dynamicsCommand,
  interveneCommand,
  reportCommand,
  neuronImportCommand,
  neuronReduceCommand,
  lmHooksCommand,
  lmExtractCommand,
  lmReduceCommand,
  completionCommand,
  taskCommand,
];

/** The first word of a two-word command, and what its subcommands are about. */
export const groups: Record<string, string> = {
  neuron: 'simulated neurons: import ISF output as a Dataset, reduce a neuron to the published three-feature model',
  lm: 'language models: list hook points, extract a behaviour as a Dataset, reduce it beside a random-weights control',
};

export function subcommands(group: string): Command[] {
  return commands.filter((c) => c.name.startsWith(`${group} `));
}

/** The words that may follow `occam`: single commands, groups and `help`. */
export function topLevelWords(): string[] {
  return [...new Set([...commands.map((c) => c.name.split(' ')[0]), 'help'])];
}
