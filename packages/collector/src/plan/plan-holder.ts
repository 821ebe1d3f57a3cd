import type { TrackingPlan } from './tracking-plan.js';

/** Anything the ingest rules can read the current plan from. */
export interface PlanSource {
  current(): TrackingPlan | undefined;
}

/**
 * The collector's current tracking plan, swappable while it runs (`POST /admin/plan/reload`,
 * SIGHUP). A reload that fails leaves the plan in force untouched.
 *
 * @example
 * const holder = createPlanHolder(await loadTrackingPlan(path), { load: () => loadTrackingPlan(path) });
 * createCollector({ sources, store, plan: holder });
 * await holder.reload(); // after editing the file; throws (old plan kept) if the new one is broken
 */
export interface PlanHolder extends PlanSource {
  /** Swaps in an already compiled plan (or none). */
  replace(plan: TrackingPlan | undefined): void;
  /** Loads the plan again from where it came from; rejects, keeping the current one, if that fails. */
  reload(): Promise<TrackingPlan>;
  /** True when there is somewhere to reload from. */
  readonly reloadable: boolean;
  /** When the current plan was put in place (epoch ms). */
  loadedAt(): number;
}

/** See {@link PlanHolder}. `load` is where `reload` reads from (a file, usually). */
export function createPlanHolder(
  initial?: TrackingPlan,
  options: { load?: () => Promise<TrackingPlan>; now?: () => number } = {},
): PlanHolder {
  const now = options.now ?? Date.now;
  let plan = initial;
  let since = now();
  return {
    current: () => plan,
    replace(next) {
      plan = next;
      since = now();
    },
    async reload() {
      if (!options.load) throw new Error('this tracking plan was not loaded from a file, so it cannot be reloaded');
      const next = await options.load();
      plan = next;
      since = now();
      return next;
    },
    reloadable: options.load !== undefined,
    loadedAt: () => since,
  };
}

/**
 * True for a {@link PlanHolder} (as opposed to a plain compiled plan).
 *
 * @example
 * const holder = isPlanHolder(options.plan) ? options.plan : createPlanHolder(options.plan);
 */
export function isPlanHolder(value: unknown): value is PlanHolder {
  return typeof value === 'object' && value !== null && typeof (value as PlanHolder).current === 'function';
}
