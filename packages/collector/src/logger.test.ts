import { describe, expect, it } from 'vitest';
import { createJsonLogger, describeError } from './logger.js';

describe('createJsonLogger', () => {
  it('writes one JSON object per call, time/level/msg first and not overridable', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ write: (line) => lines.push(line), now: () => Date.UTC(2024, 0, 2, 3, 4, 5) });
    logger.info('ready', { url: 'http://127.0.0.1:8787', store: 'sqlite' });
    logger.warn('careful', { msg: 'ignored', level: 'ignored', time: 'ignored' });
    logger.error('broken');
    expect(lines).toEqual([
      '{"time":"2024-01-02T03:04:05.000Z","level":"info","msg":"ready","url":"http://127.0.0.1:8787","store":"sqlite"}',
      '{"time":"2024-01-02T03:04:05.000Z","level":"warn","msg":"careful"}',
      '{"time":"2024-01-02T03:04:05.000Z","level":"error","msg":"broken"}',
    ]);
  });

  it('flattens errors for a log line', () => {
    const error = Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' });
    expect(describeError(error)).toMatchObject({ name: 'Error', message: 'disk full', code: 'SQLITE_FULL' });
    expect(describeError('plain')).toEqual({ message: 'plain' });
  });

  it('follows the cause chain', () => {
    const error = new Error('write failed', { cause: Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' }) });
    expect(describeError(error)).toMatchObject({ message: 'write failed', cause: { message: 'disk full', code: 'SQLITE_FULL' } });
  });
});
