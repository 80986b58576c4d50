/**
 * lazy() (src/api/lazy.ts): a contract schema built on its first use behaves as the
 * schema it builds, built once; with a real contract schema and zod.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { lazy } from '../../src/api/lazy.js';
import { appActionSchema, healthResultSchema } from '../../src/api/apps.js';

describe('lazy schemas', () => {
  it('Given a lazy schema, Then nothing is built until it is used, and it is built once', () => {
    let builds = 0;
    const schema = lazy(() => {
      builds += 1;
      return z.object({ name: z.string(), count: z.number().int() });
    });
    expect(builds).toBe(0);
    expect(schema.parse({ name: 'a', count: 1 })).toEqual({ name: 'a', count: 1 });
    expect(Object.keys(schema.shape)).toEqual(['name', 'count']);
    expect(builds).toBe(1);
  });

  it('Then wrong input is refused with the schema’s own error, also inside another schema', () => {
    const inner = lazy(() => z.object({ id: z.string().regex(/^[a-z]+$/) }));
    const outer = lazy(() => z.object({ items: z.array(inner) }));
    expect(outer.parse({ items: [{ id: 'ok' }] })).toEqual({ items: [{ id: 'ok' }] });
    const refused = outer.safeParse({ items: [{ id: 'NOT OK' }] });
    expect(refused.success).toBe(false);
    expect(refused.error).toBeInstanceOf(z.ZodError);
    expect(refused.error?.issues[0]?.path).toEqual(['items', 0, 'id']);
    expect(() => inner.parse({ id: 1 })).toThrow(z.ZodError);
  });

  it('Then a contract schema is an instance of its zod class and composes as before', () => {
    expect(healthResultSchema).toBeInstanceOf(z.ZodObject);
    expect(appActionSchema.options).toEqual(['start', 'stop', 'restart', 'reload']);
    const extended = healthResultSchema.extend({ extra: z.boolean() });
    const value = { ok: true, via: 'self', status: null, ms: 1, error: null, extra: true };
    expect(extended.parse(value)).toEqual(value);
    expect(healthResultSchema.safeParse({ ...value, via: 'carrier pigeon' }).success).toBe(false);
    expect('shape' in healthResultSchema).toBe(true);
  });
});
