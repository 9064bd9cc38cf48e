/**
 * Colour conventions, the same in every figure and every report:
 * - excitatory / positive groups: reds and oranges; inhibitory / negative groups: blues; any other group a
 *   categorical colour that is neither;
 * - signed weights (heatmaps): a diverging red (positive) – white (0) – blue (negative) palette, so a red
 *   cell pushes the output up like an excitatory input and a blue one down like an inhibitory input;
 * - unsigned values (AUROC matrices): viridis (perceptually uniform, colour-blind safe);
 * - the model is purple, recorded data black, baselines grey, so they never read as E or I.
 */
export type GroupRole = 'excitatory' | 'inhibitory' | 'other';

export const ROLE_COLOURS: Record<GroupRole, readonly string[]> = {
  excitatory: ['#d7301f', '#f16913', '#a50f15', '#fd8d3c', '#7f2704', '#ef3b2c'],
  inhibitory: ['#2166ac', '#4eb3d3', '#08306b', '#6baed6', '#253494', '#0570b0'],
  other: ['#1b9e77', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666'],
};

/** Series that are not groups. */
export const SERIES = {
  model: '#6a3d9a',
  lookup: '#e7298a',
  recorded: '#1a1a1a',
  simulated: '#6a3d9a',
  baseline: '#8c8c8c',
  chance: '#bdbdbd',
  history: '#6a3d9a',
  front: '#6a3d9a',
  candidate: '#b0b0b0',
  shade: '#f0f0f0',
  /** Upper-bound references (occam bound): a teal and a brown, neither the model's purple nor a group's hue. */
  richGlm: '#01665e',
  tcn: '#8c510a',
  /** A prediction that misses (occam intervene). */
  miss: '#b2182b',
} as const;

const EXCITATORY = /^(e|exc|excit\w*|glu\w*|ampa|nmda|pos|positive|\+)$/i;
const INHIBITORY = /^(i|inh|inhib\w*|gaba\w*|neg|negative|-|−)$/i;

/** Role of a group from its label's values ("type=excitatory", "sign=negative", "E"). */
export function groupRole(label: string): GroupRole {
  const values = label.split(/,\s*/).map((part) => (part.includes('=') ? part.slice(part.indexOf('=') + 1) : part).trim());
  if (values.some((v) => EXCITATORY.test(v))) return 'excitatory';
  if (values.some((v) => INHIBITORY.test(v))) return 'inhibitory';
  return 'other';
}

/** One colour per group label: the n-th group of a role gets the n-th shade of its role's family. */
export function groupColours(labels: readonly string[], roles: Readonly<Record<string, GroupRole>> = {}): string[] {
  const used: Record<GroupRole, number> = { excitatory: 0, inhibitory: 0, other: 0 };
  return labels.map((label) => {
    const role = roles[label] ?? groupRole(label);
    const family = ROLE_COLOURS[role];
    return family[used[role]++ % family.length];
  });
}

function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function rgbToHex([r, g, b]: [number, number, number]): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

function interpolate(stops: readonly string[], t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = hexToRgb(stops[i]);
  const b = hexToRgb(stops[i + 1]);
  return rgbToHex([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]);
}

/** ColorBrewer RdBu, blue (negative) → white → red (positive). */
const DIVERGING = ['#053061', '#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7', '#fddbc7', '#f4a582', '#d6604d', '#b2182b', '#67001f'];
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

/** Signed value in [−1, 1] → colour; 0 is white. */
export function divergingColour(t: number): string {
  return interpolate(DIVERGING, (t + 1) / 2);
}

/** Value in [0, 1] → viridis colour. */
export function sequentialColour(t: number): string {
  return interpolate(VIRIDIS, t);
}

/** Black or white, whichever reads better on `background`. */
export function textOn(background: string): string {
  const [r, g, b] = hexToRgb(background);
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? '#1a1a1a' : '#ffffff';
}

/** A lighter version of a colour (t = 0 unchanged, 1 white): for steps of a sequence in one hue. */
export function tint(colour: string, t: number): string {
  const [r, g, b] = hexToRgb(colour);
  return rgbToHex([r + (255 - r) * t, g + (255 - g) * t, b + (255 - b) * t]);
}
