import { writeFileAtomic } from '@occam/core';
import { inputError } from '../text/inputError.js';
import { parseIndex, quote } from '../text/numbers.js';
import { readTextLines } from '../text/readTextLines.js';
import { parseTimeList } from '../text/timeList.js';

/** An ISF spike-times file: one line per trial, `<trial>\t<t1>,<t2>,` (nothing after the tab: no spikes). */
export interface IsfSpikeTimes {
  file: string;
  /** Spike times in ms by trial number. */
  trials: Map<number, number[]>;
  /** Line of each trial, for error messages. */
  lines: Map<number, number>;
  /** Number of lines in the file (for "no line for trial N" messages). */
  lineCount: number;
}

/** Read a spike-times file (header `# trial\tspike times`). A trial listed twice is an error, as in ISF. */
export async function readIsfSpikeTimes(file: string): Promise<IsfSpikeTimes> {
  const text = await readTextLines(file);
  if (text.every((l) => l.trim() === '')) {
    throw inputError(
      file,
      undefined,
      `empty file (${text.length === 0 ? '0 bytes' : 'blank lines only'}); expected the header '# trial<TAB>spike times' and one line '<trial><TAB><t1>,<t2>,' per trial`,
    );
  }
  const trials = new Map<number, number[]>();
  const lines = new Map<number, number>();
  for (let i = 0; i < text.length; i++) {
    const raw = text[i];
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const line = i + 1;
    const fields = raw.split('\t');
    if (fields.length > 2 && fields.slice(2).some((f) => f.trim() !== '')) {
      throw inputError(file, line, `expected 2 tab-separated fields (trial, spike times), found ${fields.length}`);
    }
    const trial = parseIndex(fields[0]);
    if (Number.isNaN(trial)) throw inputError(file, line, `trial ${quote(fields[0])} is not a non-negative integer; expected <trial><TAB><t1>,<t2>,`);
    if (trials.has(trial)) throw inputError(file, line, `trial ${trial} is listed twice (first at line ${lines.get(trial)})`);
    trials.set(trial, fields.length > 1 ? parseTimeList(fields[1], file, line, 'spike times') : []);
    lines.set(trial, line);
  }
  return { file, trials, lines, lineCount: text.length };
}

/** Write spike times in ISF's format: `# trial\tspike times`, then `<trial>\t<t1>,<t2>,` per trial, sorted. */
export async function writeIsfSpikeTimes(file: string, spikeTimes: Map<number, readonly number[]> | readonly (readonly number[])[]): Promise<void> {
  const entries: [number, readonly number[]][] = spikeTimes instanceof Map ? [...spikeTimes.entries()] : spikeTimes.map((s, i) => [i, s]);
  entries.sort((a, b) => a[0] - b[0]);
  let out = '# trial\tspike times\n';
  for (const [trial, times] of entries) out += `${trial}\t${times.map((t) => `${t},`).join('')}\n`;
  await writeFileAtomic(file, out);
}
