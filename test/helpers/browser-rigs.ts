import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchChromium } from '../../scripts/chromium.mjs';

/**
 * The lifecycle every browser test file shares: one Chromium for the file; the rig a test
 * started (a collector, servers, browser profiles), and whatever else it asked to clean up,
 * disposed after that test, so a failing test never leaks into the next.
 *
 * @example
 * const rigs = useBrowserRigs<MyRig>();
 * it('…', async () => {
 *   const rig = await rigs.hold(startMyRig(rigs.browser()));
 * });
 */
export function useBrowserRigs<Rig extends { dispose(): Promise<void> }>() {
  let browser: Browser | undefined;
  let rig: Rig | undefined;
  let cleanups: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await rig?.dispose();
    await Promise.allSettled(cleanups.map((cleanup) => cleanup()));
    rig = undefined;
    cleanups = [];
  });
  return {
    browser: (): Browser => browser!,
    /** Keeps the rig being started for disposal after the test; resolves with it. */
    hold: async (started: Promise<Rig>): Promise<Rig> => (rig = await started),
    /** Runs `cleanup` after the test, after the rig is disposed. */
    after: (cleanup: () => Promise<unknown>) => void cleanups.push(cleanup),
  };
}
