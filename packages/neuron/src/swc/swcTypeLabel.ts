/**
 * Label of an SWC structure type, in ISF's vocabulary so that SWC placements and ISF synapse files agree:
 * 1 Soma, 2 Axon, 3 Dendrite (basal), 4 ApicalDendrite, 0 Undefined, 5+ Custom<n>.
 */
export function swcTypeLabel(type: number): string {
  switch (type) {
    case 0:
      return 'Undefined';
    case 1:
      return 'Soma';
    case 2:
      return 'Axon';
    case 3:
      return 'Dendrite';
    case 4:
      return 'ApicalDendrite';
    default:
      return `Custom${type}`;
  }
}
