import { describe, expect, it } from 'vitest';
import { postgresDialect, sqliteDialect } from '../analytics/sql-dialect.js';
import { compileFunnel } from '../funnels/compile-funnel.js';
import { parseFunnelDefinition } from '../funnels/funnel-definition.js';
import { compileSegment } from './compile-segment.js';
import { parseIsoDate } from './iso-date.js';
import { parseIsoDuration } from './iso-duration.js';
import { parseSegmentDefinition } from './segment-definition.js';

describe('parseSegmentDefinition', () => {
  it('normalises the DESIGN.md shapes', () => {
    const { condition, faults } = parseSegmentDefinition({
      all: [
        { did: 'Product Added', thenNot: 'Order Completed', after: 'PT1H', within: 'P7D' },
        { did: 'Signed In', where: { 'context.device.type': 'mobile', 'properties.price': { gte: 10 } }, atLeast: 2, from: '2026-12-01', to: '2026-12-06T00:00:00Z' },
        { not: { trait: 'plan', equals: 'pro' } },
        { any: [{ trait: 'address.city', in: ['Paris', 'Lyon'] }] },
      ],
    });
    expect(faults).toEqual([]);
    expect(condition).toEqual({
      kind: 'all',
      of: [
        { kind: 'thenNot', event: 'Product Added', where: [], thenNot: 'Order Completed', afterSeconds: 3600, window: { withinSeconds: 604800 } },
        {
          kind: 'did', event: 'Signed In', atLeast: 2,
          where: [{ path: ['context', 'device', 'type'], test: { op: 'eq', value: 'mobile' } }, { path: ['properties', 'price'], test: { op: 'gte', value: 10 } }],
          window: { from: '2026-12-01T00:00:00.000Z', to: '2026-12-06T00:00:00.000Z' },
        },
        { kind: 'not', of: { kind: 'trait', path: ['plan'], test: { op: 'eq', value: 'pro' } } },
        { kind: 'any', of: [{ kind: 'trait', path: ['address', 'city'], test: { op: 'in', value: ['Paris', 'Lyon'] } }] },
      ],
    });
  });

  it('names every fault by its path, however deep', () => {
    const { condition, faults } = parseSegmentDefinition({
      any: [
        { did: '', within: 'P1M', atLeast: 0 },
        { not: { did: 'A', where: { 'properties.x"y': 1, 'context.a': { gt: [1] } }, from: 'yesterday' } },
        { trait: 'plan' },
        { all: [] },
        'Signed In',
      ],
      extra: true,
    });
    expect(condition).toBeUndefined();
    expect(faults.map((fault) => fault.path)).toEqual([
      'extra',
      'any[0].did', 'any[0].within', 'any[0].atLeast',
      'any[1].not.where["properties.x\\"y"]', 'any[1].not.where["context.a"].gt', 'any[1].not.from',
      'any[2]',
      'any[3].all',
      'any[4]',
    ]);
    expect(faults[2]?.message).toContain('ISO 8601');
  });

  it('refuses definitions too large to be one statement', () => {
    const deep = Array.from({ length: 8 }).reduce<unknown>((inner) => ({ not: inner }), { did: 'A' });
    expect(parseSegmentDefinition(deep).faults[0]?.message).toContain('deeper than 6');
    expect(parseSegmentDefinition({ any: Array.from({ length: 40 }, () => ({ did: 'A' })) }).faults[0]?.message).toContain('at most 32');
  });
});

describe('parseIsoDuration', () => {
  it('reads weeks to seconds and refuses months, years and free text', () => {
    expect(parseIsoDuration('P7D')).toBe(604800);
    expect(parseIsoDuration('P1W2DT3H4M5.5S')).toBe(604800 + 172800 + 10800 + 240 + 5.5);
    for (const text of ['P1M', 'P1Y', 'P', 'PT', '7d', 'P-1D', '']) expect(parseIsoDuration(text)).toBeUndefined();
  });
});

describe('parseIsoDate', () => {
  it('reads ISO 8601 dates (UTC midnight) and date-times with a zone, and nothing else', () => {
    expect(parseIsoDate('2026-12-01')).toBe(Date.UTC(2026, 11, 1));
    expect(parseIsoDate('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(parseIsoDate('2026-12-01T09:00:00Z')).toBe(Date.UTC(2026, 11, 1, 9));
    expect(parseIsoDate('2026-12-01T09:00:00.250+01:00')).toBe(Date.UTC(2026, 11, 1, 8, 0, 0, 250));
    expect(parseIsoDate('2026-12-01T09:00-05:30')).toBe(Date.UTC(2026, 11, 1, 14, 30));
    for (const text of ['2026-02-30', '2025-02-29', '2026-13-01', '2026-12-01 (anything)', '2026-12-01T09:00:00', '2026-12-01T24:00:00Z', '2026-12-01T09:00:00+25:00', '2026-12-01 09:00:00Z', '12/01/2026', '']) {
      expect(parseIsoDate(text), text).toBeUndefined();
    }
  });
});

describe('click-id platform conditions', () => {
  it('compile to the platform\'s click-id keys; an unknown platform is a fault listing the known ones', () => {
    expect(parseSegmentDefinition({ did: 'A', where: { 'context.campaign.clickIdPlatform': 'google' } }).condition).toMatchObject({
      where: [{ path: ['context', 'campaign'], test: { op: 'anyKey', value: ['dclid', 'gbraid', 'gclid', 'wbraid'], present: true } }],
    });
    const { faults } = parseSegmentDefinition({ did: 'A', where: { 'context.campaign.clickIdPlatform': { in: ['meta', 'myspace'] } } });
    expect(faults).toEqual([{ path: 'where["context.campaign.clickIdPlatform"].in[1]', message: expect.stringContaining('(known: google, linkedin, meta, microsoft, pinterest, reddit, snapchat, tiktok, x)') }]);
    expect(parseSegmentDefinition({ did: 'A', where: { 'context.campaign.clickIdPlatform': { gt: 1 } } }).faults.map((fault) => fault.path)).toEqual(['where["context.campaign.clickIdPlatform"]']);
    expect(parseFunnelDefinition({ steps: [{ event: 'A' }, { event: 'B' }], within: 'P1D', by: 'context.campaign.clickIdPlatform' }).funnel?.by).toEqual({ kind: 'clickIdPlatform' });
  });
});

describe('compiled SQL', () => {
  const hostile = "x'); DROP TABLE events; --";
  it('carries names, values and paths as parameters only, on both stores', () => {
    const { condition } = parseSegmentDefinition({
      all: [
        { did: hostile, where: { 'properties.coupon': hostile, 'context.page.path': { contains: hostile }, 'properties.price': { gt: 1 } }, within: 'P1D' },
        { did: 'A', thenNot: hostile, within: 'P1D' },
        { trait: 'plan', in: [hostile, 1, true] },
        { not: { did: hostile, where: { 'context.campaign.clickIdPlatform': 'google', 'properties.coupon': { in: [hostile, 2, false] } }, from: '2026-12-01' } },
      ],
    });
    const { funnel } = parseFunnelDefinition({ steps: [{ event: hostile }, { event: 'B', where: { 'properties.a': hostile } }], within: 'P1D', by: 'properties.coupon' });
    const { funnel: repeated } = parseFunnelDefinition({
      steps: [{ event: hostile, where: { 'context.campaign.clickIdPlatform': { in: ['meta'] } } }, { event: hostile }, { event: 'B' }, { event: hostile }],
      within: 'P1D', by: 'context.campaign.clickIdPlatform',
    });
    expect(condition && funnel && repeated).toBeTruthy();
    for (const dialect of [sqliteDialect, postgresDialect]) {
      const compiled = [compileSegment(dialect, condition!, Date.now(), { limit: 100, offset: 0 }), compileFunnel(dialect, funnel!, Date.now()), compileFunnel(dialect, repeated!, Date.now())];
      for (const { sql, params } of compiled) {
        expect(sql).not.toContain('gclid');
        expect(sql).not.toContain('DROP');
        expect(sql).not.toContain('coupon');
        expect(params.filter((value) => typeof value === 'string' && value.includes('DROP')).length).toBeGreaterThan(0);
      }
    }
  });
});
