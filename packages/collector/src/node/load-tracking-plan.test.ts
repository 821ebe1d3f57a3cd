import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRecordingLogger } from '../testing/collector-fixture.js';
import { shopPlan } from '../testing/shop-tracking-plan.js';
import { loadTrackingPlan, loadTrackingPlanHolder, reloadPlanOnSignal } from './load-tracking-plan.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-plan-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('loadTrackingPlan', () => {
  it('reads and compiles a plan file', async () => {
    const plan = await loadTrackingPlan(file('plan.json', JSON.stringify(shopPlan())));
    expect(plan.resolve('Add_To_Cart')?.name).toBe('Product Added');
  });

  it.each([
    ['a missing file', null, /^cannot read tracking plan .*missing\.json/],
    ['a file that is not JSON', '{"events": ', /^tracking plan .*plan\.json is not JSON/],
    ['a plan with a typo', '{"mode": "allow", "event": {}}', /^tracking plan .*plan\.json: event is not allowed$/],
  ])('refuses %s with invalid_config naming the file', async (_label, text, message) => {
    const path = text === null ? join(dir, 'missing.json') : file('plan.json', text);
    await expect(loadTrackingPlan(path)).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringMatching(message) });
  });
});

describe('reloadPlanOnSignal', () => {
  it('reloads on SIGHUP and keeps the old plan when the new file is broken', async () => {
    const path = file('plan.json', JSON.stringify({ mode: 'allow' }));
    const holder = await loadTrackingPlanHolder(path);
    const { logger, records } = createRecordingLogger();
    const stop = reloadPlanOnSignal(holder, logger);
    try {
      writeFileSync(path, JSON.stringify({ mode: 'quarantine' }));
      process.emit('SIGHUP', 'SIGHUP');
      await vi.waitFor(() => expect(holder.current()?.mode).toBe('quarantine'));
      writeFileSync(path, '{"mode": "strict"}');
      process.emit('SIGHUP', 'SIGHUP');
      await vi.waitFor(() => expect(records.map((record) => record.msg)).toContain('tracking plan reload refused; the previous plan stays'));
      expect(holder.current()?.mode).toBe('quarantine');
      expect(records[0]).toMatchObject({ level: 'info', msg: 'tracking plan reloaded', fields: { events: 0, mode: 'quarantine' } });
    } finally {
      stop();
    }
    expect(process.listenerCount('SIGHUP')).toBe(0);
  });
});
