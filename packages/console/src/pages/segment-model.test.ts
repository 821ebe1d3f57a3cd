import { describe, expect, it } from 'vitest';
import { durationFromIso } from './filter-model.js';
import { emptyFunnel, funnelDefinition, stepLabel } from './funnel-model.js';
import { emptyRow, segmentDefinition, segmentFromDefinition, type SegmentModel } from './segment-model.js';

const roundTrip = (json: unknown) => {
  const model = segmentFromDefinition(json);
  if (typeof model === 'string') throw new Error(`does not fit: ${model}`);
  return segmentDefinition(model);
};

describe('the segment builder model ⇄ definition JSON', () => {
  it.each([
    ['the abandoned cart from a phone', { all: [{ did: 'Product Added', thenNot: 'Order Completed', within: 'P7D', after: 'PT1H' }, { did: 'Signed In', where: { 'context.device.type': 'mobile' }, within: 'P7D' }] }],
    ['NOT, atLeast and dates', { any: [{ not: { did: 'Order Completed', atLeast: 2, from: '2026-11-01', to: '2026-12-01' } }, { did: 'Signed In' }] }],
    ['every operator', { all: [{ did: 'Order Completed', within: 'PT90M', where: { 'properties.revenue': { gte: 100 }, 'properties.coupon': { exists: false }, 'context.campaign.source': { in: ['google', 'bing'] }, 'context.page.path': { contains: '/sale' }, 'properties.price': { lt: 9.5 }, 'context.consent.categoryPreferences.marketing': true } }] }],
    ['text that looks like a number, and traits', { all: [{ trait: 'zip', equals: '01234' }, { trait: 'age', gt: 30 }, { not: { trait: 'plan', in: ['free', 'trial'] } }, { trait: 'email', exists: true }, { did: 'Signed In', where: { 'properties.code': { in: ['7', '8'] } } }] }],
    ['an empty text', { all: [{ trait: 'nickname', equals: '' }] }],
    ['a zip code with a leading zero stays text', { all: [{ trait: 'zip', equals: '00501' }, { did: 'a', where: { 'properties.zip': { in: ['00501', '007'] } } }] }],
    ['not equal', { all: [{ did: 'Signed In', where: { 'context.device.type': { ne: 'mobile' } } }, { trait: 'plan', ne: 'free' }] }],
  ])('%s: comes back unchanged', (_name, json) => {
    expect(roundTrip(json)).toEqual({ definition: json, faults: [] });
  });

  it('takes a bare condition as one row of "all", and fills the API default of after', () => {
    expect(roundTrip({ did: 'Product Added', thenNot: 'Order Completed' }).definition).toEqual({ all: [{ did: 'Product Added', thenNot: 'Order Completed', after: 'PT30M' }] });
  });

  it.each([
    ['a group in a group', { all: [{ any: [{ did: 'a' }, { did: 'b' }] }] }, /groups inside groups/],
    ['NOT around a group', { not: { all: [{ did: 'a' }] } }, /groups inside groups/],
    ['an unknown key', { all: [{ did: 'a', during: 'P7D' }] }, /"during"/],
    ['seconds', { all: [{ did: 'a', within: 'PT90S' }] }, /PT90S/],
    ['a null value', { all: [{ did: 'a', where: { 'properties.x': null } }] }, /null/],
    ['"in" values no one type reads back', { all: [{ did: 'a', where: { 'properties.x': { in: [1, '2'] } } }] }, /mixed/],
    ['"in" values with spaces around them', { all: [{ did: 'a', where: { 'properties.x': { in: [' a', 'b '] } } }] }, /spaces/],
    ['an empty "in" value', { all: [{ did: 'a', where: { 'properties.x': { in: ['', 'b'] } } }] }, /empty/],
    ['a number written with an exponent', { all: [{ did: 'a', where: { 'properties.x': { lt: 1e-7 } } }] }, /value of lt/],
  ])('%s does not fit the builder (the JSON stays authoritative)', (_name, json, reason) => {
    expect(segmentFromDefinition(json)).toMatch(reason);
  });

  it('tells the faults it can see by itself, with the paths the API uses', () => {
    const row = emptyRow();
    row.event = 'Signed In';
    row.atLeast = 'twice';
    row.window.last.amount = '0';
    row.where = [
      { path: 'properties.price', op: 'gt', value: 'cheap', type: 'number' },
      { path: 'properties.price', op: 'eq', value: '3', type: 'auto' },
    ];
    const dates = { ...emptyRow(), event: 'Signed In', window: { ...emptyRow().window, mode: 'between' as const } };
    const model: SegmentModel = { combine: 'any', rows: [row, { ...dates, not: true }] };
    expect(segmentDefinition(model).faults.map((f) => f.path)).toEqual([
      'any[0].where["properties.price"]',
      'any[0].where["properties.price"]',
      'any[0].within',
      'any[0].atLeast',
      'any[1].not.from',
    ]);
  });

  it('reads durations in the largest exact unit, keeping the one written', () => {
    expect([durationFromIso('P14D'), durationFromIso('P1DT12H'), durationFromIso('P2W'), durationFromIso('PT120M'), durationFromIso('7 days')]).toEqual([
      { amount: '14', unit: 'days' },
      { amount: '36', unit: 'hours' },
      { amount: '2', unit: 'weeks' },
      { amount: '120', unit: 'minutes' },
      undefined,
    ]);
  });
});

describe('the funnel builder model', () => {
  it('makes the request of DESIGN.md with step filters and a breakdown path', () => {
    const model = emptyFunnel();
    model.steps = [
      { event: 'Product Viewed', where: [] },
      { event: 'Product Added', where: [{ path: 'properties.price', op: 'gte', value: '50', type: 'auto' }] },
    ];
    model.within = { amount: '1', unit: 'days' };
    model.by = 'path';
    model.byPath = 'properties.category';
    expect(funnelDefinition(model)).toEqual({
      definition: { steps: [{ event: 'Product Viewed' }, { event: 'Product Added', where: { 'properties.price': { gte: 50 } } }], within: 'P1D', by: 'properties.category' },
      faults: [],
    });
    expect(stepLabel(model.steps[1]!)).toBe('Product Added (properties.price ≥ 50)');
    model.byPath = ' ';
    expect(funnelDefinition(model).faults).toEqual([{ path: 'by', message: expect.stringContaining('give a path') }]);
  });
});
