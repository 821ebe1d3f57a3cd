import { describe, expect, it } from 'vitest';
import { createLimitsStage } from './check-limits.js';
import { DEFAULT_INGEST_RULES } from './ingest-rules.js';
import { isRejection, type Draft } from './stage.js';

const stage = createLimitsStage(() => DEFAULT_INGEST_RULES.limits);
const run = (event: Record<string, unknown>) => {
  const draft: Draft = { index: 0, received: event, rawJson: '', event };
  const result = stage.run(draft, { source: 'default', receivedAt: 0 }) as ReturnType<typeof stage.run> & object;
  return isRejection(result as never) ? (result as { reject: { code: string; message: string } }).reject : undefined;
};
const nest = (depth: number): unknown => (depth === 0 ? 'leaf' : { a: nest(depth - 1) });
const cart = (products: unknown[]) => ({ type: 'track', event: 'Cart Viewed', properties: { cart_id: 'c1', products } });

describe('envelope limits', () => {
  it('lets a realistic e-commerce event through', () => {
    const products = Array.from({ length: 40 }, (_, i) => ({ product_id: `p${i}`, name: 'Trail shoe', price: 89.9, variant: { size: 42, color: 'blue' } }));
    expect(run({ ...cart(products), context: { page: { url: `https://shop.example/${'x'.repeat(2000)}` } } })).toBeUndefined();
  });

  it('bounds nesting depth, counting the event itself', () => {
    // The event, then `properties` and 14 objects inside it: 16 containers, the limit.
    expect(run({ type: 'track', properties: nest(15) as Record<string, unknown> })).toBeUndefined();
    expect(run({ type: 'track', properties: nest(16) as Record<string, unknown> })).toEqual({
      code: 'invalid_event',
      message: `properties${'.a'.repeat(15)} nests deeper than the 16-level limit`,
    });
  });

  it('names the array item and field of an over-long string', () => {
    const products = [{ name: 'ok' }, { name: 'ok' }, { name: 'ok' }, { name: 'n'.repeat(9000) }];
    expect(run(cart(products))?.message).toBe('properties.products[3].name is 9000 characters, over the 8192-character limit');
  });

  it('bounds the keys of one object and the length of a key', () => {
    const wide = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`k${i}`, i]));
    expect(run({ type: 'track', properties: wide })?.message).toBe('properties has 257 keys, over the 256-key limit');
    expect(run({ type: 'track', traits: { ['k'.repeat(300)]: 1 } })?.message).toBe(
      `traits.${'k'.repeat(40)} key is 300 characters, over the 255-character limit`,
    );
  });

  it('refuses a __proto__ key anywhere, as JSON.parse creates it', () => {
    const event = JSON.parse('{"type":"track","properties":{"products":[{"__proto__":{"isAdmin":true}}]}}') as Record<string, unknown>;
    expect(run(event)?.message).toBe('properties.products[0].__proto__ is not an allowed key');
  });

  it('quotes odd keys so the path stays readable', () => {
    expect(run({ type: 'track', properties: { 'utm source': 'x'.repeat(9000) } })?.message).toMatch(/^properties\["utm source"\] is 9000/);
  });

  it('follows lowered limits', () => {
    const strict = createLimitsStage(() => ({ ...DEFAULT_INGEST_RULES.limits, maxStringLength: 10 }));
    const event = { type: 'track', properties: { sku: 'abcdefghijk' } };
    const result = strict.run({ index: 0, received: event, rawJson: '', event }, { source: 's', receivedAt: 0 });
    expect(result).toEqual({ reject: { code: 'invalid_event', message: 'properties.sku is 11 characters, over the 10-character limit' } });
  });
});
