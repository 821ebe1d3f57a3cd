import { readFile } from 'node:fs/promises';
import { CollectorError } from '../collector-error.js';
import type { Logger } from '../logger.js';
import { compileTrackingPlan } from '../plan/compile-tracking-plan.js';
import { createPlanHolder, type PlanHolder } from '../plan/plan-holder.js';
import type { TrackingPlan } from '../plan/tracking-plan.js';

/**
 * Reads and compiles a tracking plan file (JSON; format: `TrackingPlanDocument`). Throws
 * {@link CollectorError} `invalid_config` naming the file and the key at fault.
 *
 * @example
 * const plan = await loadTrackingPlan('./tracking-plan.json');
 */
export async function loadTrackingPlan(path: string): Promise<TrackingPlan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CollectorError('invalid_config', `cannot read tracking plan ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new CollectorError('invalid_config', `tracking plan ${path} is not JSON: ${(error as Error).message}`);
  }
  return compileTrackingPlan(document, `tracking plan ${path}`);
}

/**
 * A reloadable holder of the plan in `path`: loads it now (throwing if it is broken, so a bad
 * plan stops the start), and `reload()` reads the file again, keeping the current plan when
 * the new one is broken. Give it to `createCollector({ plan })`; wire SIGHUP with
 * {@link reloadPlanOnSignal}.
 *
 * @example
 * const plan = await loadTrackingPlanHolder(setup.trackingPlanPath);
 * const app = createCollector({ sources, store, plan });
 */
export async function loadTrackingPlanHolder(path: string): Promise<PlanHolder> {
  return createPlanHolder(await loadTrackingPlan(path), { load: () => loadTrackingPlan(path) });
}

/**
 * Reloads the plan on `signal` (SIGHUP by default), logging `tracking plan reloaded` or
 * `tracking plan reload refused` (the previous plan stays). Returns the unsubscribe function.
 *
 * @example
 * const stop = reloadPlanOnSignal(plan, logger);
 */
export function reloadPlanOnSignal(holder: PlanHolder, logger: Logger, signal: NodeJS.Signals = 'SIGHUP'): () => void {
  const onSignal = () => {
    holder.reload().then(
      (plan) => logger.info('tracking plan reloaded', { events: plan.events.size, mode: plan.mode }),
      (error: unknown) =>
        logger.warn('tracking plan reload refused; the previous plan stays', { error: error instanceof Error ? error.message : String(error) }),
    );
  };
  process.on(signal, onSignal);
  return () => process.off(signal, onSignal);
}
