import type { Command } from '../cli.js';
import { bashCompletion, zshCompletion } from '../completionScripts.js';

export const completionCommand: Command = {
  name: 'completion',
  summary: 'print a shell completion script for occam (bash or zsh), made from its command table',
  example: 'source <(occam completion bash)',
  details: `Load it in this shell with source <(occam completion bash) (zsh: after compinit, source <(occam completion zsh)), or save it
for every shell: bash: occam completion bash > ~/.local/share/bash-completion/completions/occam; zsh: occam completion zsh >
~/.zfunc/_occam with ~/.zfunc on $fpath.`,
  options: {},
  positionals: { name: 'SHELL', choices: ['bash', 'zsh'], description: 'the shell: bash or zsh' },
  common: ['help'],
  async run({ positionals, io }) {
    // The table imports this command, so it is read when the script is made rather than when the module loads.
    const { commands: all, groups } = await import('../commandTable.js');
    const commands = all.filter((c) => !c.internal);
    io.out(positionals[0] === 'zsh' ? zshCompletion({ commands, groups }) : bashCompletion({ commands, groups }));
  },
};
