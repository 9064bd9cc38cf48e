import type { Atom } from '@occam/core';
import { OccamError } from '@occam/core';
import type { SynapseSign } from '../cellTypes/cellTypeSigns.js';

/**
 * The neuron adapter's atoms: excitatory and inhibitory synapses in soma-distance bins. Excitatory atoms
 * come first (core's separable fits fix the scale on the first group), each type ordered by distance.
 * 50 µm over 0–1500 µm gives 2 × 30 = 60 atoms, ids `E_0-50um` … `I_1450-1500um`.
 */
export interface DistanceAtoms {
  atoms: Atom[];
  binsPerSign: number;
  distanceBinUm: number;
  maxDistanceUm: number;
  /** Atom index of a synapse, or −1 when its distance is outside [0, maxDistanceUm). */
  indexOf(sign: SynapseSign, somaDistanceUm: number): number;
}

export function distanceAtoms(distanceBinUm: number, maxDistanceUm: number): DistanceAtoms {
  const ratio = maxDistanceUm / distanceBinUm;
  const binsPerSign = Math.round(ratio);
  if (Math.abs(ratio - binsPerSign) > 1e-9 || binsPerSign < 1) {
    throw new OccamError(`maxDistanceUm ${maxDistanceUm} is not a whole number of ${distanceBinUm} µm distance bins`, { field: 'maxDistanceUm' });
  }
  const atoms: Atom[] = [];
  for (const type of ['excitatory', 'inhibitory'] as const) {
    for (let b = 0; b < binsPerSign; b++) {
      const from = b * distanceBinUm;
      const to = (b + 1) * distanceBinUm;
      atoms.push({
        id: `${type === 'excitatory' ? 'E' : 'I'}_${fmt(from)}-${fmt(to)}um`,
        attributes: { type, distance: (from + to) / 2, distanceFrom: from, distanceTo: to },
      });
    }
  }
  return {
    atoms,
    binsPerSign,
    distanceBinUm,
    maxDistanceUm,
    indexOf(sign, d) {
      if (!(d >= 0) || d >= maxDistanceUm) return -1;
      const b = Math.min(binsPerSign - 1, Math.floor(d / distanceBinUm));
      return sign === 'excitatory' ? b : binsPerSign + b;
    },
  };
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toFixed(6)));
}
