import { inputColumn, inputColumnCount, type DesignLayout } from '../design/layout.js';

/**
 * Which empty design columns deserve a warning. Column (g, k, j) carries group g's atoms weighted by
 * spatial function k, over temporal function j. With a raw basis over an attribute such as a language
 * model's token `offset`, a group whose atoms never take some value of it — or whose atom at that value
 * never fires in the fitted bins — has that column empty on every run: expected, and a warning on every
 * fit would teach users to ignore warnings. What is worth saying: a group with no input in any fitted bin,
 * a temporal function (lag range) that no atom of a group feeds, and history columns the output never
 * reaches. Returns a judge for fitGlm's `judgeZeroColumns`.
 */
export function zeroColumnWarning(layout: DesignLayout): (columns: number[]) => string | null {
  const { groups, K, J, minLag } = layout;
  const inputColumns = inputColumnCount(layout);
  const temporalLive = layout.temporal.matrix.map((row) => row.some((v) => v !== 0));
  const lagRange = (j: number): string => {
    const row = layout.temporal.matrix[j];
    const first = row.findIndex((v) => v !== 0);
    const last = row.length - 1 - [...row].reverse().findIndex((v) => v !== 0);
    return first === last ? `lag ${first + minLag}` : `lags ${first + minLag}–${last + minLag}`;
  };
  return (columns) => {
    const empty = new Uint8Array(layout.p);
    for (const c of columns) empty[c] = 1;
    const parts: string[] = [];
    let count = 0;
    groups.forEach((group, g) => {
      // Spatial functions some atom of the group loads on: the others are empty by construction.
      const liveK: number[] = [];
      for (let k = 0; k < K; k++) if (group.atoms.some((a) => layout.atomSpatialWeights[a][k] !== 0)) liveK.push(k);
      const at = (k: number, j: number) => inputColumn(layout, g, k, j);
      const liveJ = Array.from({ length: J }, (_, j) => j).filter((j) => temporalLive[j]);
      const silentJ = liveJ.filter((j) => liveK.every((k) => empty[at(k, j)] === 1));
      if (liveK.length === 0 || silentJ.length === 0) return;
      count += silentJ.length * liveK.length;
      if (silentJ.length === liveJ.length) parts.push(`group '${group.label}' has no input in any fitted bin`);
      else {
        const lags = silentJ.map(lagRange);
        parts.push(`group '${group.label}' has no input at ${lags.slice(0, 4).join(', ')}${lags.length > 4 ? ` and ${lags.length - 4} more` : ''}`);
      }
    });
    const history = columns.filter((c) => c >= inputColumns).length;
    if (history > 0) {
      count += history;
      parts.push(`${history} history column(s) (the output never occurs early enough to feed them)`);
    }
    if (parts.length === 0) return null;
    const shown = parts.slice(0, 5).join('; ') + (parts.length > 5 ? `; and ${parts.length - 5} more` : '');
    return `${count} design column(s) are zero in every fitted bin where input was expected: ${shown}; their weights stay 0`;
  };
}
