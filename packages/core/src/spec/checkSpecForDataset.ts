import type { TemporalBasis, AttributeBasis } from '../bases/schema.js';
import type { Dataset } from '../dataset/dataset.js';
import { buildLayout } from '../design/layout.js';
import { OccamError } from '../errors.js';
import { formatBytes, limitText, readLimits, type ReadLimits } from '../io/limits.js';
import type { Spec } from './schema.js';

/** How many functions a basis has on a grid of `points` values (raw: one per value). */
function basisSize(basis: TemporalBasis | AttributeBasis, points: number): number {
  switch (basis.kind) {
    case 'raisedCosineLog':
      return basis.count;
    case 'isfRaisedCosine':
      return basis.phases.length;
    case 'raw':
      return points;
    case 'constant':
      return 1;
  }
}

export interface SpecCheckOptions {
  /** The spec's file, for messages (default "spec"). */
  specFile?: string;
  /** The dataset's directory, for messages (default "the dataset"). */
  dataset?: string;
  /**
   * Also hold the spatial basis to at most one function per distinct attribute value (true for a fit;
   * false when a fitted model is applied to another dataset, whose values it need not share).
   */
  spatialPerValue?: boolean;
  limits?: Partial<ReadLimits>;
}

/**
 * Check a spec's sizes against a dataset before any design is built: lags shorter than a trial, at most one
 * basis function per lag (or per distinct attribute value), every basis and lag within the absolute limits,
 * and the design matrix the fit would build within the memory limit. Each failure names the spec file, the
 * field, the dataset's bound and, for an absolute limit, how to raise it — instead of a fit that allocates
 * without bound or an out-of-memory crash.
 */
export function checkSpecForDataset(spec: Spec, ds: Dataset, options: SpecCheckOptions = {}): void {
  const file = options.specFile ?? 'spec';
  const data = options.dataset ?? 'the dataset';
  const limits = readLimits(options.limits);
  const { nBins } = ds.manifest;
  const fail = (field: string, text: string) => {
    throw new OccamError(`${file}: ${field} ${text}`, { file, field });
  };

  const lags: [string, number, number][] = [['temporal.maxLag', spec.temporal.maxLag, spec.temporal.minLag]];
  if (spec.history) lags.push(['history.maxLag', spec.history.maxLag, 1]);
  for (const [field, maxLag] of lags) {
    if (maxLag > limits.maxLag) fail(field, `is ${maxLag}, over ${limitText('maxLag', limits, 'lags')}`);
    if (maxLag >= nBins) {
      fail(field, `is ${maxLag} but a trial of ${data} has only ${nBins} bins: every lag must be shorter than a trial (at most ${nBins - 1})`);
    }
  }

  const bases: [string, TemporalBasis | AttributeBasis, number, string][] = [
    ['temporal.basis', spec.temporal.basis, spec.temporal.maxLag - spec.temporal.minLag + 1, `lags (${spec.temporal.minLag}..${spec.temporal.maxLag})`],
  ];
  if (spec.history) bases.push(['history.basis', spec.history.basis, spec.history.maxLag, `history lags (1..${spec.history.maxLag})`]);
  if (spec.spatial) {
    const attr = spec.spatial.attribute;
    const values = new Set<number>();
    for (const atom of ds.manifest.atoms) {
      const v = atom.attributes[attr];
      if (typeof v === 'number') values.add(v);
    }
    if (values.size === 0) {
      fail('spatial.attribute', `'${attr}' is not a numeric attribute of any atom in ${data} (attributes: ${attributeNames(ds).join(', ') || 'none'})`);
    }
    bases.push([
      'spatial.basis',
      spec.spatial.basis,
      options.spatialPerValue === false ? Infinity : values.size,
      `distinct values of '${attr}' (${values.size})`,
    ]);
  }
  for (const [field, basis, points, what] of bases) {
    const n = basisSize(basis, Number.isFinite(points) ? points : 1);
    const unit = basis.kind === 'isfRaisedCosine' ? 'phases' : 'functions';
    if (n > limits.maxBasisFunctions) fail(field, `has ${n} ${unit}, over ${limitText('maxBasisFunctions', limits, 'functions per basis')}`);
    if (n > points)
      fail(field, `has ${n} ${unit} but there are only ${points} ${what}: use at most one function per ${field === 'spatial.basis' ? 'value' : 'lag'}`);
  }

  for (const g of spec.groupBy) {
    const attr = typeof g === 'string' ? g : g.attribute;
    if (!ds.manifest.atoms.some((a) => a.attributes[attr] !== undefined)) {
      fail('groupBy', `names attribute '${attr}', which no atom of ${data} has (attributes: ${attributeNames(ds).join(', ') || 'none'})`);
    }
  }

  // Lags and bases are bounded now, so the layout is cheap; the design it implies may still not be.
  const layout = buildLayout(spec, ds.manifest.atoms, undefined, file);
  let rows = 0;
  for (let i = 0; i < ds.scored.length; i++) rows += ds.scored[i];
  const bytes = rows * (layout.p + 1) * 4;
  if (bytes > limits.maxDesignBytes) {
    throw new OccamError(
      `${file}: the design for ${data} would be ${formatBytes(bytes)} (${rows} scored bins × ${layout.p} columns: ${layout.groups.length} groups × ${layout.K} spatial × ${layout.J} temporal functions + ${layout.H} history), over ${limitText('maxDesignBytes', limits, 'design matrices')}; use fewer groups or basis functions`,
      { file },
    );
  }
}

function attributeNames(ds: Dataset): string[] {
  return [...new Set(ds.manifest.atoms.flatMap((a) => Object.keys(a.attributes)))];
}
