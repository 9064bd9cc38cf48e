import { OccamError } from '../errors.js';
import { formatBytes, limitText, readLimits, type ReadLimits } from './limits.js';
import { openRegularFile, readBounded } from './openRegularFile.js';

/**
 * Read a JSON file; a missing file, a file that is not a regular file, one over the size limit (checked
 * with stat before a byte is read, so a 100 MB model is refused without parsing it) or bad JSON is an
 * OccamError naming the file. Validation is the caller's. `what` names the file's role in messages.
 */
export async function readJsonFile(path: string, options: { what?: string; limits?: Partial<ReadLimits> } = {}): Promise<unknown> {
  const what = options.what ?? 'JSON file';
  const limits = readLimits(options.limits);
  const { handle, stats } = await openRegularFile(path, what);
  let text: string;
  try {
    if (stats.size > limits.maxJsonBytes) {
      throw new OccamError(`${path}: the ${what} is ${formatBytes(stats.size)}, over ${limitText('maxJsonBytes', limits, 'JSON files')}`, {
        file: path,
      });
    }
    // Read at most one byte past the limit: a file whose stat size lies (a FUSE or /proc file) or that grows while
    // being read is held to the same bound.
    const bytes = await readBounded(handle, limits.maxJsonBytes, stats.size);
    if (bytes.length > limits.maxJsonBytes) {
      throw new OccamError(`${path}: the ${what} is larger than it says, over ${limitText('maxJsonBytes', limits, 'JSON files')}`, { file: path });
    }
    text = new TextDecoder('utf-8').decode(bytes);
  } finally {
    await handle.close();
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OccamError(`${path}: not valid JSON (${(error as Error).message})`, { file: path });
  }
}
