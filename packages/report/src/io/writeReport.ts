import { writeFileAtomic } from '@occam/core';

/** Write the report so a reader never sees half a file (temp file, then rename). */
export async function writeReport(path: string, html: string): Promise<void> {
  await writeFileAtomic(path, html);
}
