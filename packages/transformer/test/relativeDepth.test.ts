import { describe, expect, it } from 'vitest';
import { buildLayout, SpecSchema, type Atom, type SpecInput } from '@occam/core';
import { withRelativeDepth } from '../src/atoms/relativeDepth.js';

const atom = (id: string, component: string, layer: number, offset: number): Atom => ({
  id,
  attributes: { component, layer, head: -1, sign: 'none', feature: 'f', offset, readsReadout: 'no' },
});

/** Atoms of an n-layer network: attention and neuron sums per layer, and one prompt pattern (no layer). */
const network = (nLayers: number) =>
  withRelativeDepth(
    [
      ...Array.from({ length: nLayers }, (_, L) => [atom(`L${L}.attn`, 'attn', L, 1), atom(`L${L}.neurons`, 'mlp-neurons', L, -1)]).flat(),
      atom('p', 'input-pattern', -1, 0),
    ],
    nLayers,
  );

describe('relativeDepth: an atom attribute that matches roles across networks of different depths', () => {
  it('is layer / (nLayers − 1), 0 in a one-layer network, −1 without a layer; other attributes unchanged', () => {
    const three = network(3);
    expect(three.map((a) => a.attributes.relativeDepth)).toEqual([0, 0, 0.5, 0.5, 1, 1, -1]);
    expect(network(1).map((a) => a.attributes.relativeDepth)).toEqual([0, 0, -1]);
    const { relativeDepth, ...rest } = three[2].attributes;
    expect(rest).toEqual(atom('L1.attn', 'attn', 1, 1).attributes);
    expect(relativeDepth).toBe(0.5);
  });

  it('grouped by component and early/late bins, a 2-layer and a 4-layer network get the same group labels', () => {
    const spec: SpecInput = {
      groupBy: ['component', { attribute: 'relativeDepth', edges: [-1, 0, 0.5, 1.5] }],
      temporal: { minLag: 0, maxLag: 0, basis: { kind: 'raw' } },
    };
    const labels = (atoms: Atom[]) =>
      buildLayout(SpecSchema.parse(spec), atoms)
        .groups.map((g) => g.label)
        .sort();
    expect(labels(network(2))).toEqual(labels(network(4)));
    expect(labels(network(2))).toContain('component=attn, relativeDepth∈[0.5,1.5)');
    // grouped by layer instead, the two networks share only their first layers
    const byLayer = (atoms: Atom[]) => buildLayout(SpecSchema.parse({ ...spec, groupBy: ['component', 'layer'] }), atoms).groups.map((g) => g.label);
    expect(byLayer(network(4)).filter((l) => !byLayer(network(2)).includes(l))).toContain('component=attn, layer=3');
  });
});
