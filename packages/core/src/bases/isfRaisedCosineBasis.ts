import type { IsfRaisedCosine } from './schema.js';

/** The published method's raised cosines: f(x) = ½ cos(a·log(x + c) − φ) + ½ inside ±π, else 0. */
export function isfRaisedCosineBasis(spec: IsfRaisedCosine, values: ArrayLike<number>): Float64Array[] {
  return spec.phases.map((phi) => {
    const row = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const x = values[i] / spec.scale;
      const arg = spec.a * Math.log(x + spec.c) - phi;
      row[i] = arg < -Math.PI || arg > Math.PI ? 0 : 0.5 * Math.cos(arg) + 0.5;
    }
    return row;
  });
}
