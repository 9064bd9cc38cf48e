import { reportFromFiles, writeReport } from '@occam/report';
import { requireString, type Command } from '../cli.js';
import { STDOUT, writeTextOutput } from '../stdoutOutput.js';

export const reportCommand: Command = {
  name: 'report',
  summary: 'render reduced models, search, comparison, dynamics, bound and intervention results into one self-contained HTML page',
  example: 'occam report out/demo/model.json --data data/neuron/v1-C2 --out out/demo/report.html',
  options: {
    out: {
      type: 'string',
      value: 'FILE',
      path: 'file',
      stdout: true,
      required: true,
      description: "where to write the report (one self-contained HTML file); '-' writes it to stdout",
    },
    data: {
      type: 'string',
      value: 'DIR',
      path: 'directory',
      default: "each model's recorded dataset, as given or beside the model file",
      description: 'the Dataset the models were fitted on, for the prediction figures (left out, with a note, when no dataset is found)',
    },
    title: { type: 'string', value: 'TEXT', description: 'the page title' },
    control: {
      type: 'string',
      value: 'FILE',
      path: 'file',
      default: 'NAME.control.json beside a model that carries its control (lm reduce)',
      description: 'a control model (JSON) to show beside the one model given',
    },
  },
  positionals: {
    name: 'RESULT.json',
    multiple: true,
    path: 'file',
    description: 'reduced models (occam fit), search, compare, dynamics, bound or intervene results, in the order they appear',
  },
  outputs: [{ option: 'out', kind: 'file' }],
  inputs: (v, positionals) => [...positionals, v.data as string, v.control as string],
  async run({ values, positionals, io }) {
    const out = requireString(values, 'out');
    const html = await reportFromFiles(positionals, {
      data: typeof values.data === 'string' ? values.data : undefined,
      title: typeof values.title === 'string' ? values.title : undefined,
      // A model from lm reduce carries its selectivity and finds its control model beside it; --control names another.
      control: typeof values.control === 'string' ? values.control : undefined,
      onNote: (note: string) => io.quiet || io.err(`note: ${note}`),
    });
    await (out === STDOUT ? writeTextOutput(out, html) : writeReport(out, html));
    if (io.json) io.out(JSON.stringify({ report: out }));
    else if (!io.quiet && out !== STDOUT) io.out(`wrote ${out}`);
  },
};
