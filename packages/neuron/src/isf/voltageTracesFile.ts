import { inputError } from '../text/inputError.js';
import { parseDecimal, quote } from '../text/numbers.js';
import { readLines } from '../text/readLines.js';
import { UpwardCrossingDetector } from './detectSpikes.js';

/** The soma voltage of every run of one ISF run directory (`<id>_vm_all_traces.csv`). */
export interface IsfVoltageTraces {
  file: string;
  /** Sample times in ms (ISF: dt 0.025 ms; the genuine files start at 100 ms). */
  t: Float64Array;
  /** One trace per `Vm run NN` column, in column order; `run` is NN, matching `simulation_run%04d`. */
  runs: { run: number; column: string; v: Float64Array }[];
}

/** Spike times per run, detected while streaming a trace file (nothing but the spikes is kept). */
export interface IsfTraceSpikes {
  file: string;
  runs: number[];
  /** spikeTimes[k] are the spikes of runs[k], in ms. */
  spikeTimes: number[][];
  /** First and last sample time in ms: the span over which spikes could be seen. */
  tFirst: number;
  tLast: number;
}

const RUN_COLUMN = /^Vm run (\d+)$/;

/**
 * Read a whole `*_vm_all_traces.csv`: header `t`, `Vm run 00`, `Vm run 01`, …; one tab-separated row per
 * sample. For files with many runs prefer {@link readIsfTraceSpikes}, which keeps only the spikes.
 */
export async function readIsfVoltageTraces(file: string): Promise<IsfVoltageTraces> {
  const t: number[] = [];
  let columns: number[][] = [];
  let header: TraceHeader | undefined;
  await scanTraceFile(file, {
    header(h) {
      header = h;
      columns = h.runs.map(() => []);
    },
    row(time, values) {
      t.push(time);
      for (let k = 0; k < values.length; k++) columns[k].push(values[k]);
    },
  });
  if (!header) throw inputError(file, 1, 'empty file; expected a header line: t<TAB>Vm run 00<TAB>Vm run 01 …');
  const h = header;
  return {
    file,
    t: Float64Array.from(t),
    runs: h.runs.map((run, k) => ({ run, column: h.columns[k], v: Float64Array.from(columns[k]) })),
  };
}

/**
 * Stream a `*_vm_all_traces.csv` and detect each run's spikes as upward crossings of `thresholdMv`
 * (default 0 mV, linear interpolation between samples), without holding the traces in memory.
 */
export async function readIsfTraceSpikes(file: string, options: { thresholdMv?: number } = {}): Promise<IsfTraceSpikes> {
  let detectors: UpwardCrossingDetector[] = [];
  let runs: number[] = [];
  let tFirst = Number.NaN;
  let tLast = Number.NaN;
  await scanTraceFile(file, {
    header(h) {
      runs = h.runs;
      detectors = h.runs.map(() => new UpwardCrossingDetector(options.thresholdMv ?? 0));
    },
    row(time, values) {
      if (Number.isNaN(tFirst)) tFirst = time;
      tLast = time;
      for (let k = 0; k < values.length; k++) detectors[k].push(time, values[k]);
    },
  });
  if (Number.isNaN(tFirst)) throw inputError(file, undefined, 'no samples; expected one row per time point after the header');
  return { file, runs, spikeTimes: detectors.map((d) => d.spikes), tFirst, tLast };
}

interface TraceHeader {
  columns: string[];
  runs: number[];
}

async function scanTraceFile(file: string, visit: { header(h: TraceHeader): void; row(t: number, values: Float64Array): void }): Promise<void> {
  let header: TraceHeader | undefined;
  let values = new Float64Array(0);
  let lastT = Number.NEGATIVE_INFINITY;
  for await (const { text, line } of readLines(file)) {
    if (text.trim() === '') continue;
    const fields = text.split('\t');
    if (!header) {
      header = parseHeader(fields, file, line);
      values = new Float64Array(header.runs.length);
      visit.header(header);
      continue;
    }
    if (fields.length !== header.columns.length + 1) {
      throw inputError(file, line, `expected ${header.columns.length + 1} tab-separated values (t and ${header.columns.length} runs), found ${fields.length}`);
    }
    const t = parseDecimal(fields[0]);
    if (!Number.isFinite(t)) throw inputError(file, line, `time ${quote(fields[0])} is not a number; expected t in ms`);
    if (!(t > lastT)) throw inputError(file, line, `time ${t} ms does not increase (previous row ${lastT} ms)`);
    lastT = t;
    for (let k = 0; k < values.length; k++) {
      const v = parseDecimal(fields[k + 1]);
      if (!Number.isFinite(v)) {
        throw inputError(file, line, `${header.columns[k]}: ${quote(fields[k + 1])} is not a number; expected a voltage in mV`);
      }
      values[k] = v;
    }
    visit.row(t, values);
  }
  if (!header) throw inputError(file, 1, 'empty file; expected a header line: t<TAB>Vm run 00<TAB>Vm run 01 …');
}

function parseHeader(fields: string[], file: string, line: number): TraceHeader {
  const names = fields.map((f) => f.trim().replace(/^#\s*/, ''));
  if (names[0] !== 't') {
    throw inputError(file, line, `header starts with ${quote(fields[0])}; expected t<TAB>Vm run 00<TAB>Vm run 01 … (an ISF *_vm_all_traces.csv)`);
  }
  const columns = names.slice(1);
  if (columns.length === 0) throw inputError(file, line, 'header names no runs; expected t<TAB>Vm run 00<TAB>…');
  const runs: number[] = [];
  const seen = new Set<number>();
  for (const name of columns) {
    const m = RUN_COLUMN.exec(name);
    if (!m) throw inputError(file, line, `header column ${quote(name)}: expected 'Vm run NN'`);
    const run = Number(m[1]);
    if (seen.has(run)) throw inputError(file, line, `header names run ${run} twice`);
    seen.add(run);
    runs.push(run);
  }
  return { columns, runs };
}
