import { describe, expect, it } from 'vitest';
import { CollectorError } from '../collector-error.js';
import { shopPlan } from '../testing/shop-tracking-plan.js';
import { compileTrackingPlan } from './compile-tracking-plan.js';
import { eventNameKey } from './event-name-key.js';

describe('compileTrackingPlan', () => {
  const plan = compileTrackingPlan(shopPlan());

  it('resolves canonical names, aliases and their respellings', () => {
    for (const sent of ['Product Added', 'add to cart', 'Add_To_Cart', 'add-to-cart', 'addToCart', 'CART ADD', 'product_added']) {
      expect(plan.resolve(sent)?.name, sent).toBe('Product Added');
    }
    expect(plan.resolve('Purchase')?.name).toBe('Order Completed');
    expect(plan.resolve('Product Viewed')).toBeUndefined();
  });

  it('exposes each event consent category, the default for undeclared ones', () => {
    expect(plan.categoryOf('Signed In')).toBe('necessary');
    expect(plan.categoryOf('newsletter signup')).toBe('marketing');
    expect(plan.categoryOf('Something Else')).toBe('analytics');
    expect(compileTrackingPlan({}).categoryOf('Anything')).toBeUndefined();
  });

  it('compiles each properties schema once, when the plan loads', () => {
    const validate = plan.events.get('Product Added')?.validate;
    expect(validate).toBeTypeOf('function');
    expect(plan.resolve('add to cart')?.validate).toBe(validate);
    expect(validate?.({ product_id: 'p1', price: 10 })).toBe(true);
    expect(validate?.({ product_id: 'p1', price: '10' })).toBe(false);
    expect(plan.events.get('Signed In')?.validate).toBeUndefined();
  });

  it('reads modes, money and per-source currency', () => {
    expect(plan.mode).toBe('allow');
    expect(plan.unknownEvents).toBe('allow');
    expect(compileTrackingPlan({ mode: 'quarantine' }).unknownEvents).toBe('quarantine');
    expect(compileTrackingPlan({ mode: 'quarantine', unknownEvents: 'allow' }).unknownEvents).toBe('allow');
    expect(plan.money?.baseCurrency).toBe('USD');
    expect(plan.money?.rates.get('USD')).toBe(1);
    expect(plan.money?.rates.get('EUR')).toBe(1.0857);
    expect(plan.sourceCurrency('shop-eu')).toBe('EUR');
    expect(plan.sourceCurrency('default')).toBeUndefined();
  });

  it.each([
    ['an unknown key', { evnets: {} }, 'evnets is not allowed'],
    ['a wrong mode', { mode: 'strict' }, 'mode must be one of "allow", "quarantine"'],
    ['an invalid JSON Schema', { events: { A: { properties: { type: 'object', required: 'x' } } } }, 'events["A"].properties is not a valid JSON Schema'],
    ['an unknown schema keyword (typo)', { events: { A: { properties: { type: 'object', requried: ['x'] } } } }, 'events["A"].properties is not a valid JSON Schema'],
    ['an alias naming two events', { events: { 'Product Added': {}, B: { aliases: ['product_added'] } } }, 'events["B"].aliases: "product_added" also names event "Product Added"'],
    ['a negative rate', { money: { baseCurrency: 'USD', rates: { EUR: -1 } } }, 'money.rates.EUR must be > 0'],
    ['a base rate other than 1', { money: { baseCurrency: 'USD', rates: { USD: 2 } } }, "money.rates.USD: the base currency's rate must be 1"],
    ['a source currency without a rate', { money: { baseCurrency: 'USD', rates: {} }, sources: { eu: { currency: 'EUR' } } }, 'sources.eu.currency: EUR is not in money.rates'],
    ['a __proto__ default', JSON.parse('{"defaults":{"__proto__":{"x":1}}}'), 'defaults'],
    ['not an object', [], 'must be object'],
  ])('refuses %s with a message naming the key', (_label, document, message) => {
    const attempt = () => compileTrackingPlan(document, 'tracking plan plan.json');
    expect(attempt).toThrow(CollectorError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'invalid_config', message: expect.stringContaining(message) }));
    expect(attempt).toThrow(/^tracking plan plan\.json: /);
  });
});

describe('eventNameKey', () => {
  it('ignores case, spaces, underscores, hyphens and dots', () => {
    expect(new Set(['Add To Cart', 'add_to_cart', 'add-to-cart', 'add.to.cart', 'addToCart', ' ADD  TO CART '].map(eventNameKey))).toEqual(
      new Set(['addtocart']),
    );
    expect(eventNameKey('Produit ajouté')).toBe('produitajouté');
    expect(eventNameKey('ｆｕｌｌ width')).toBe('fullwidth');
  });
});
