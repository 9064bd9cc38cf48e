import { join } from 'node:path';
import { checkOutputPath, fitReducedModel, readDataset, readSpecFile, writeReducedModel } from '@occam/core';
import { buildReport, reportDataForModel, writeReport } from '@occam/report';
import type { Command } from '../cli.js';
import { fitWarningLines, summaryTable } from '../summaryTable.js';
import { DEMO_DATASET, PUBLISHED_SPEC } from '../bundledFiles.js';

/**
 * The main job on bundled data: a NEURON-simulated layer-5 pyramidal-like cell under passive whisker
 * touch (tools/neuron-sim, variant v1, 1000 trials, read from its ISF-format output), reduced to the
 * published three-feature form and scored against its baselines, with an HTML report.
 */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'reduce the bundled NEURON cell (variant v1) to the published three-feature model; writes a report',
  example: 'occam demo --out out/demo',
  options: {
    out: { type: 'string', value: 'DIR', path: 'directory', default: 'out/demo', description: 'the folder for model.json and report.html' },
  },
  async run({ values, io }) {
    const outDir = typeof values.out === 'string' ? values.out : 'out/demo';
    const modelPath = join(outDir, 'model.json');
    const reportPath = join(outDir, 'report.html');
    for (const path of [modelPath, reportPath]) {
      await checkOutputPath({ path, kind: 'file', label: '--out', inputs: [DEMO_DATASET, PUBLISHED_SPEC], force: values.force === true });
    }
    const spec = await readSpecFile(PUBLISHED_SPEC);
    const dataset = await readDataset(DEMO_DATASET);
    const tick = io.progress('fitting');
    const model = fitReducedModel(dataset, spec, { datasetPath: DEMO_DATASET, onProgress: (_s, d, n) => tick(d, n) });
    await writeReducedModel(modelPath, model);
    const html = buildReport([{ model, label: 'NEURON L5 pyramidal-like cell v1, C2 whisker deflection', prediction: reportDataForModel(model, dataset) }], {
      title: 'occam demo: a detailed neuron reduced to three features',
    });
    await writeReport(reportPath, html);
    if (!io.quiet) for (const line of fitWarningLines(model)) io.err(line);
    if (io.json) io.out(JSON.stringify({ dataset: DEMO_DATASET, model: modelPath, report: reportPath, metrics: model.metrics }));
    else if (!io.quiet) io.out(`${summaryTable(model)}\n\ndataset: ${DEMO_DATASET}\nmodel:   ${modelPath}\nreport:  ${reportPath}`);
  },
};
