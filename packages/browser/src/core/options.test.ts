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
    expect(resolveOptions(valid)).toMatchObject({
      retryDelay: 1000,
      timeout: 15_000,
      maxQueueEvents: 1000,
      maxQueueBytes: 5 * 1024 * 1024,
      queueTtl: 7 * 24 * 3600 * 1000,
      sessionTimeout: 30 * 60 * 1000,
    });
  });

  it('reads numbers from strings (data-* attributes) and passes unknown options through', () => {
    const fromDataset = { ...valid, flushAt: '5', retryDelay: '50', autoPage: '' } as unknown as TrackerOptions;
    expect(resolveOptions(fromDataset)).toMatchObject({ flushAt: 5, retryDelay: 50, flushInterval: 1000, autoPage: '' });
  });

  it('sends each event at once with flushAt 0', () => {
    expect(resolveOptions({ ...valid, flushAt: 0 }).flushAt).toBe(0);
  });

  it.each([
    ['no options', undefined, 'writeKey'],
    ['empty writeKey', { ...valid, writeKey: '' }, 'writeKey'],
    ['numeric writeKey', { ...valid, writeKey: 42 }, 'writeKey'],
    ['missing endpoint', { writeKey: 'wk' }, 'endpoint'],
    ['scheme-less endpoint', { ...valid, endpoint: 'collect.example.com' }, 'endpoint'],
    ['ftp endpoint', { ...valid, endpoint: 'ftp://collect.example.com' }, 'endpoint'],
    ['flushAt NaN', { ...valid, flushAt: NaN }, 'flushAt'],
    ['flushAt not a number', { ...valid, flushAt: 'many' }, 'flushAt'],
    ['negative retryDelay', { ...valid, retryDelay: -5 }, 'retryDelay'],
    ['infinite timeout', { ...valid, timeout: Infinity }, 'timeout'],
    ['negative maxQueueEvents', { ...valid, maxQueueEvents: -1 }, 'maxQueueEvents'],
    ['maxQueueBytes NaN', { ...valid, maxQueueBytes: NaN }, 'maxQueueBytes'],
    ['negative queueTtl', { ...valid, queueTtl: -1 }, 'queueTtl'],
    ['negative flushInterval', { ...valid, flushInterval: -1 }, 'flushInterval'],
    ['infinite flushInterval', { ...valid, flushInterval: Infinity }, 'flushInterval'],
    ['onError not a function', { ...valid, onError: 'log' }, 'onError'],
    ['sessionTimeout not a number', { ...valid, sessionTimeout: 'soon' }, 'sessionTimeout'],
    ['negative sessionTimeout', { ...valid, sessionTimeout: -1 }, 'sessionTimeout'],
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
