import { reportFromFiles, writeReport } from '@occam/report';
import { UsageError, requireString, type Command } from '../cli.js';

export const reportCommand: Command = {
  name: 'report',
  summary: 'render reduced models, search, comparison and dynamics results into one self-contained HTML page',
  usage: 'occam report RESULT.json… --out report.html [--data DATASET] [--title TEXT] [--control CONTROL_MODEL.json]',
  example: 'occam report out/demo/model.json --out out/demo/report.html',
  options: { out: { type: 'string' }, data: { type: 'string' }, title: { type: 'string' }, control: { type: 'string' } },
  outputs: [{ option: 'out', kind: 'file' }],
  inputs: (v, positionals) => [...positionals, v.data as string, v.control as string],
  async run({ values, positionals, io }) {
    const out = requireString(values, 'out');
    if (positionals.length === 0) throw new UsageError('give at least one result file (a reduced model, search, compare or dynamics JSON)');
    const html = await reportFromFiles(positionals, {
      data: typeof values.data === 'string' ? values.data : undefined,
      title: typeof values.title === 'string' ? values.title : undefined,
      // A model from lm reduce carries its selectivity and finds its control model beside it; --control names another.
      control: typeof values.control === 'string' ? values.control : undefined,
      onNote: (note: string) => io.quiet || io.err(`note: ${note}`),
    });
    await writeReport(out, html);
    if (io.json) io.out(JSON.stringify({ report: out }));
    else if (!io.quiet) io.out(`wrote ${out}`);
  },
};
