import { afterEach, describe, expect, it } from 'vitest';
import { createCollector } from './collector.js';
import { CollectorError } from './collector-error.js';
import { createTestCollector, type TestCollector } from './testing/collector-fixture.js';

let t: TestCollector;
afterEach(async () => {
  await t.dispose();
});

describe('createCollector options', () => {
  it.each([
    ['no sources', []],
    ['a source without a name', [{ name: '', writeKey: 'k' }]],
    ['a source without a key', [{ name: 'a', writeKey: '' }]],
    ['two sources with one name', [{ name: 'a', writeKey: 'k1' }, { name: 'a', writeKey: 'k2' }]],
    ['two sources with one key', [{ name: 'a', writeKey: 'k' }, { name: 'b', writeKey: 'k' }]],
    ['allowedOrigins that is not an array', [{ name: 'a', writeKey: 'k', allowedOrigins: 'https://a.example' }]],
  ])('throws CollectorError invalid_options for %s', (_label, sources) => {
    t = createTestCollector();
    const attempt = () => createCollector({ sources: sources as never, store: t.store });
    expect(attempt).toThrow(CollectorError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'invalid_options' }));
  });

  it('throws without a store', () => {
    t = createTestCollector();
    expect(() => createCollector({ sources: [{ name: 'a', writeKey: 'k' }] } as never)).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
  });
});
