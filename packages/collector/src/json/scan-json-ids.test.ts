import { describe, expect, it } from 'vitest';
import { scanJsonIds } from './scan-json-ids.js';

describe('scanJsonIds', () => {
  it('reads top-level ids as JSON.parse does, and every other id at any depth', () => {
    expect(scanJsonIds('{"userId":"a","userId":4.2e1,"context":{"traits":{"user_id":"b","previousId":["c",{"x":"d"}]}},"anonymousId":null}')).toEqual({
      top: { userId: ['a', '42'], anonymousId: [], previousId: [] },
      nested: ['b', 'c', 'd'],
      truncated: false,
    });
  });

  it('decodes a string holding JSON once, not the strings inside it', () => {
    const inner = JSON.stringify({ userId: 'once', note: JSON.stringify({ userId: 'twice' }) });
    expect(scanJsonIds(JSON.stringify([inner]))?.nested).toEqual(['once']);
  });

  it('finds nothing in text that is not JSON, nor under keys that are not id keys', () => {
    expect(scanJsonIds('{"userId":"a"')).toBeUndefined();
    expect(scanJsonIds('{"user":"a","ids":["b"],"note":"userId: c"}')).toEqual({ top: { userId: [], anonymousId: [], previousId: [] }, nested: [], truncated: false });
  });

  it('stays bounded on hostile text: a capped id list, any nesting, each string decoded once', () => {
    const many = JSON.stringify({ userId: Array.from({ length: 20_000 }, (_, i) => i) });
    const capped = scanJsonIds(many);
    expect(capped?.nested).toHaveLength(10_000);
    expect(capped?.truncated).toBe(true);
    // 100,000 levels: a loop, no recursion to overflow.
    const deep = `${'['.repeat(100_000)}{"userId":"deep"}${']'.repeat(100_000)}`;
    expect(scanJsonIds(deep)?.nested).toEqual(['deep']);
    // 500 KB of strings that each hold JSON: one decode each, linear.
    const strings = JSON.stringify(Array.from({ length: 5_000 }, () => JSON.stringify({ a: [1, 2, 3], anonymousId: 'x'.repeat(60) })));
    const started = performance.now();
    expect(scanJsonIds(strings)?.nested).toHaveLength(5_000);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
