import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startDestinationRig, trackEvents, waitFor } from '../testing/destination-rig.js';
import { startWebhookReceiver } from '../testing/webhook-receiver.js';

const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('destination metrics on /metrics', { timeout: 30_000 }, () => {
  it('counts delivered, retried, failed and dead-lettered per destination, with pending and lag gauges', async () => {
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const fast = { retryMinSeconds: 0.05, retryMaxSeconds: 0.2 };
    const rig = await startDestinationRig([
      { name: 'ok', kind: 'webhook', url: receiver.url, ...fast },
      { name: 'down', kind: 'webhook', url: 'http://127.0.0.1:9/unreachable', ...fast },
    ]);
    cleanups.push(() => rig.stop());
    receiver.answers.push({ status: 500 }, { status: 400 });
    await rig.send(trackEvents(3, 'first'));
    await waitFor(() => receiver.requests.length >= 2, 'the failed attempts');
    await rig.send(trackEvents(2, 'second'));
    await waitFor(() => receiver.delivered().length === 2, 'the delivery after the dead letter');
    await new Promise((resolve) => setTimeout(resolve, 600));
    const text = await (await rig.app.request('/metrics')).text();
    const value = (name: string, destination: string) => Number(new RegExp(`^${name}\\{destination="${destination}"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('cairn_destination_delivered_total', 'ok')).toBe(2);
    expect(value('cairn_destination_retried_total', 'ok')).toBe(3);
    expect(value('cairn_destination_failed_total', 'ok')).toBe(6);
    expect(value('cairn_destination_dead_lettered_total', 'ok')).toBe(3);
    expect(value('cairn_destination_pending', 'ok')).toBe(0);
    expect(value('cairn_destination_dead_letters', 'ok')).toBe(3);
    expect(value('cairn_destination_lag_seconds', 'ok')).toBe(0);
    expect(value('cairn_destination_delivered_total', 'down')).toBe(0);
    expect(value('cairn_destination_pending', 'down')).toBe(5);
    expect(value('cairn_destination_lag_seconds', 'down')).toBeGreaterThan(0.3);
    expect(value('cairn_destination_failed_total', 'down')).toBeGreaterThan(0);
  });

  it.skipIf(!existsSync(PROMTOOL))(`passes promtool check metrics${existsSync(PROMTOOL) ? '' : ` (skipped: no ${PROMTOOL})`}`, async () => {
    const rig = await startDestinationRig([{ name: 'crm', kind: 'webhook', url: 'http://127.0.0.1:9/unreachable', retryMinSeconds: 0.05, retryMaxSeconds: 0.1 }]);
    cleanups.push(() => rig.stop());
    await rig.send(trackEvents(2, 'p'));
    await new Promise((resolve) => setTimeout(resolve, 400));
    const text = await (await rig.app.request('/metrics')).text();
    expect(text).toContain('cairn_destination_lag_seconds{destination="crm"}');
    // Exit code 0 and no lint finding on the destination families.
    const output = execFileSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(output.split('\n').filter((line) => line.includes('cairn_destination'))).toEqual([]);
  });
});
