import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zodProblem } from '../src/errors.js';

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

  it("keeps zod's own line for a discriminator nobody accepts (it already names the accepted values)", () => {
    const schema = z.discriminatedUnion('kind', [z.object({ kind: z.literal('a') }), z.object({ kind: z.literal('b') })]);
    const message = zodProblem('x.json', schema.safeParse({ kind: 'c' }).error!, schema).message;
    expect(message).toContain("kind: Invalid discriminator value. Expected 'a' | 'b'");
  });
});
