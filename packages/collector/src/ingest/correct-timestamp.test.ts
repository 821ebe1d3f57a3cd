import { describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics/metrics.js';
import { TEST_NOW } from '../testing/collector-fixture.js';
import { runOneEvent } from '../testing/run-one-event.js';
import { createIngestStages } from './create-ingest-stages.js';
import { runPipeline } from './run-pipeline.js';

const epochSeconds = (iso: string) => Date.parse(iso) / 1000;

describe('timestamps', () => {
  it('normalises a server library batch in epoch seconds from a clock 2 hours slow', async () => {
    const metrics = createMetrics();
    const stages = createIngestStages({ metrics });
    // Received at 12:00:10Z. The server's clock reads 10:00:08 when it sends: 2 h 2 s slow.
    const batch = [
      { type: 'track', event: 'Order Completed', messageId: 'o1', userId: 'u1', timestamp: epochSeconds('2024-06-01T09:59:00Z') },
      { type: 'track', event: 'Order Completed', messageId: 'o2', userId: 'u2', timestamp: epochSeconds('2024-06-01T10:00:00.250Z') },
      { type: 'identify', messageId: 'i1', userId: 'u2', timestamp: String(epochSeconds('2024-06-01T10:00:05Z')) },
    ];
    const outcome = await runPipeline(stages, batch, { source: 'api', receivedAt: TEST_NOW, sentAt: epochSeconds('2024-06-01T10:00:08Z') });
    expect(outcome.rejected).toEqual([]);
    expect(outcome.events.map(({ messageId, timestamp, originalTimestamp, sentAt }) => ({ messageId, timestamp, originalTimestamp, sentAt }))).toEqual([
      { messageId: 'o1', timestamp: '2024-06-01T11:59:02.000Z', originalTimestamp: '1717235940', sentAt: '1717236008' },
      { messageId: 'o2', timestamp: '2024-06-01T12:00:02.250Z', originalTimestamp: '1717236000.25', sentAt: '1717236008' },
      { messageId: 'i1', timestamp: '2024-06-01T12:00:07.000Z', originalTimestamp: '1717236005', sentAt: '1717236008' },
    ]);
    // The normalized JSON carries the UTC time and keeps the client's value as sent.
    const normalized = JSON.parse(outcome.events[0]?.normalized ?? 'null') as Record<string, unknown>;
    expect(normalized).toMatchObject({ timestamp: '2024-06-01T11:59:02.000Z', originalTimestamp: 1717235940 });
    expect(metrics.render()).toContain('cairn_timestamps_normalized_total{format="epoch_seconds",source="api"} 3');
    expect(metrics.render()).toContain('cairn_clock_skew_corrected_total{source="api"} 3');
  });

  it('reads epoch milliseconds and ISO offsets, and leaves a UTC ISO time out of the normalized JSON', async () => {
    const stages = createIngestStages();
    const millis = await runOneEvent(stages, { type: 'page', messageId: 'p1', timestamp: Date.parse('2024-06-01T12:00:00Z') });
    expect(millis.row?.timestamp).toBe('2024-06-01T12:00:00.000Z');
    expect(millis.normalized?.timestamp).toBe('2024-06-01T12:00:00.000Z');
    const offset = await runOneEvent(stages, { type: 'page', messageId: 'p2', timestamp: '2024-06-01T14:00:00+02:00' });
    expect(offset.row).toMatchObject({ timestamp: '2024-06-01T12:00:00.000Z', originalTimestamp: '2024-06-01T14:00:00+02:00' });
    const utc = await runOneEvent(stages, { type: 'page', messageId: 'p3', timestamp: '2024-06-01T12:00:00Z' });
    expect(utc.row?.timestamp).toBe('2024-06-01T12:00:00.000Z');
    expect(utc.normalized).toBeNull();
  });

  it('flags times from the far future or implausibly old, and stores them', async () => {
    const metrics = createMetrics();
    const stages = createIngestStages({ metrics });
    const future = await runOneEvent(stages, { type: 'page', messageId: 'f', timestamp: '2024-06-03T12:00:00Z' });
    const old = await runOneEvent(stages, { type: 'page', messageId: 'o', timestamp: '2019-01-01T00:00:00Z' });
    const recent = await runOneEvent(stages, { type: 'page', messageId: 'r', timestamp: '2024-05-20T00:00:00Z' });
    expect(future.row?.timestamp).toBe('2024-06-03T12:00:00.000Z');
    expect(future.normalized).toMatchObject({ context: { cairn: { flags: ['timestamp_in_future'] } } });
    expect(old.normalized).toMatchObject({ context: { cairn: { flags: ['timestamp_too_old'] } } });
    expect(recent.normalized).toBeNull();
    expect(metrics.render()).toContain('cairn_timestamps_flagged_total{flag="timestamp_in_future",source="default"} 1');
  });

  it('follows its switches: quarantine out-of-range times, no epoch, no skew correction', async () => {
    const strict = createIngestStages({ rules: { timestamps: { outOfRange: 'quarantine', maxAgeDays: 30 } } });
    const old = await runOneEvent(strict, { type: 'page', messageId: 'o', timestamp: '2024-04-01T00:00:00Z' });
    expect(old.quarantined).toMatchObject({
      code: 'invalid_event',
      reason: 'timestamp 2024-04-01T00:00:00.000Z is more than 30 days before the time it was received (2024-06-01T12:00:10.000Z)',
    });
    const isoOnly = createIngestStages({ rules: { timestamps: { epoch: false } } });
    expect((await runOneEvent(isoOnly, { type: 'page', timestamp: 1717243200 })).quarantined?.reason).toBe(
      'timestamp must be an ISO-8601 date-time string',
    );
    const noSkew = createIngestStages({ rules: { timestamps: { skewCorrection: false } } });
    const kept = await runOneEvent(noSkew, { type: 'page', timestamp: '2024-06-01T10:00:00Z' }, { sentAt: '2024-06-01T10:00:05Z' });
    expect(kept.row).toMatchObject({ timestamp: '2024-06-01T10:00:00.000Z', sentAt: null });
  });
});
