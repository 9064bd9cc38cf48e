import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zodProblem } from '../src/errors.js';
import { SpecSchema } from '../src/spec/schema.js';

describe('zodProblem', () => {
  it('says what each member of a failed union expects instead of "Invalid input"', () => {
    const schema = z.object({ groupBy: z.array(z.union([z.string(), z.object({ attribute: z.string(), edges: z.array(z.number()) }).strict()])) });
    const r = schema.safeParse({ groupBy: [{ type: 'inhibitory' }] });
    const message = zodProblem('spec.json', r.error!, schema).message;
    expect(message).toContain('spec.json: invalid content');
    expect(message).toContain('groupBy.0: matches none of the 2 accepted forms');
    expect(message).toContain('as form 1: expected string, received object');
    expect(message).toMatch(/as form 2: attribute: expected string, received undefined, edges: expected array, received undefined \(and 1 more\)/);
    expect(message).not.toMatch(/Invalid input/);
  });

  it('adds the union’s own description with an example where the schema has one (a spec’s groupBy)', () => {
    const r = SpecSchema.safeParse({ groupBy: [{ type: 'inhibitory' }], temporal: { maxLag: 5, basis: { kind: 'raw' } } });
    const message = zodProblem('spec.json', r.error!, SpecSchema).message;
    expect(message).toContain('groupBy.0: matches none of the 2 accepted forms');
    expect(message).toContain(
      `expected an attribute's name, e.g. "type", or bins of a numeric attribute, e.g. { "attribute": "distance", "edges": [0, 200, 400, 1000] }`,
    );
  });

  it("keeps zod's own line for a discriminator nobody accepts (it already names the accepted values)", () => {
    const schema = z.discriminatedUnion('kind', [z.object({ kind: z.literal('a') }), z.object({ kind: z.literal('b') })]);
    const message = zodProblem('x.json', schema.safeParse({ kind: 'c' }).error!, schema).message;
    expect(message).toContain("kind: Invalid discriminator value. Expected 'a' | 'b'");
  });
});
