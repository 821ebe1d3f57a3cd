import { Hono } from 'hono';
import { ERROR_CODES } from '@cairn/protocol';
import { httpError } from '../http/http-error.js';
import type { Logger } from '../logger.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import type { PlanHolder } from '../plan/plan-holder.js';
import type { TrackingPlan } from '../plan/tracking-plan.js';

/**
 * The tracking plan's admin endpoints (behind the admin token):
 * - `GET /admin/plan`: the plan in force, summarised (`{"plan": null}` when none);
 * - `POST /admin/plan/reload`: reads the plan file again. A broken file is refused with 422
 *   `invalid_plan` naming the fault, and the plan in force stays; 404 when the plan did not
 *   come from a file. SIGHUP does the same in the Node entry.
 *
 * @example
 * curl -X POST -H "Authorization: Bearer $TOKEN" http://localhost:8787/admin/plan/reload
 */
export function createAdminPlanRoutes(holder: PlanHolder, logger: Logger, metrics: Metrics = createMetrics()): Hono {
  const reloads = metrics.counter('cairn_plan_reloads_total', 'Tracking plan reloads by outcome (ok, refused)');
  const routes = new Hono();
  routes.get('/plan', (c) => c.json({ plan: summarise(holder.current(), holder.loadedAt()) }));
  routes.post('/plan/reload', async (c) => {
    if (!holder.reloadable) {
      throw httpError(404, ERROR_CODES.notFound, 'no tracking plan file is configured (start the collector with --tracking-plan PATH)');
    }
    try {
      const plan = await holder.reload();
      reloads.inc({ outcome: 'ok' });
      logger.info('tracking plan reloaded', { events: plan.events.size, mode: plan.mode });
      return c.json({ reloaded: true, plan: summarise(plan, holder.loadedAt()) });
    } catch (error) {
      reloads.inc({ outcome: 'refused' });
      const message = error instanceof Error ? error.message : String(error);
      logger.warn('tracking plan reload refused; the previous plan stays', { error: message });
      throw httpError(422, ERROR_CODES.invalidPlan, `${message.slice(0, 2000)} (the previous plan stays in force)`);
    }
  });
  return routes;
}

/** What an operator checks after a reload: mode, events with their aliases, money settings. */
function summarise(plan: TrackingPlan | undefined, loadedAt: number) {
  if (!plan) return null;
  return {
    loadedAt: new Date(loadedAt).toISOString(),
    mode: plan.mode,
    unknownEvents: plan.unknownEvents,
    events: [...plan.events.values()].map((event) => ({
      name: event.name,
      aliases: event.aliases,
      category: event.category ?? null,
      schema: event.validate !== undefined,
    })),
    baseCurrency: plan.money?.baseCurrency ?? null,
    currencies: plan.money ? [...plan.money.rates.keys()] : [],
  };
}
