import { describe, expect, it } from 'vitest';
import { CairnError } from './cairn-error.js';
import { resolveOptions } from './options.js';
import type { TrackerOptions } from './types.js';

const valid = { writeKey: 'wk', endpoint: 'https://collect.example.com/' };

describe('resolveOptions', () => {
  it('fills defaults and trims the endpoint', () => {
    expect(resolveOptions(valid)).toMatchObject({
      writeKey: 'wk',
      endpoint: 'https://collect.example.com',
      flushAt: 20,
      flushInterval: 1000,
    });
    expect(resolveOptions({ ...valid, endpoint: '/collect' }).endpoint).toBe('/collect');
  });

  it.each([
    ['no options', undefined, 'writeKey'],
    ['empty writeKey', { ...valid, writeKey: '' }, 'writeKey'],
    ['numeric writeKey', { ...valid, writeKey: 42 }, 'writeKey'],
    ['missing endpoint', { writeKey: 'wk' }, 'endpoint'],
    ['scheme-less endpoint', { ...valid, endpoint: 'collect.example.com' }, 'endpoint'],
    ['ftp endpoint', { ...valid, endpoint: 'ftp://collect.example.com' }, 'endpoint'],
    ['flushAt 0', { ...valid, flushAt: 0 }, 'flushAt'],
    ['flushAt NaN', { ...valid, flushAt: NaN }, 'flushAt'],
    ['negative flushInterval', { ...valid, flushInterval: -1 }, 'flushInterval'],
    ['infinite flushInterval', { ...valid, flushInterval: Infinity }, 'flushInterval'],
    ['onError not a function', { ...valid, onError: 'log' }, 'onError'],
  ])('%s throws invalid_option', (_name, input, option) => {
    let caught: unknown;
    try {
      resolveOptions(input as unknown as TrackerOptions);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CairnError);
    expect(caught).toMatchObject({ code: 'invalid_option', name: 'CairnError' });
    expect((caught as Error).message).toContain(option);
  });
});
