import type { Fault } from './definition-faults.js';
import { durationIso, OPS, type DurationModel, type FilterModel } from './filter-model.js';
import { whereJson } from './segment-model.js';

export interface StepModel {
  event: string;
  where: FilterModel[];
}
/** The breakdowns offered by name; `path` takes any `properties.` / `context.` path. */
export const BREAKDOWNS = [
  ['', 'none'],
  ['context.device.type', 'device type'],
  ['context.campaign.source', 'campaign source'],
  ['path', 'a path…'],
] as const;
export interface FunnelModel {
  steps: StepModel[];
  within: DurationModel;
  by: (typeof BREAKDOWNS)[number][0];
  byPath: string;
}
/** The API takes 2 to 10 steps. */
export const MAX_STEPS = 10;

export const emptyFunnel = (): FunnelModel => ({
  steps: [
    { event: '', where: [] },
    { event: '', where: [] },
  ],
  within: { amount: '7', unit: 'days' },
  by: '',
  byPath: '',
});

/** The funnel request of the builder, and the faults it can tell by itself (API paths). */
export function funnelDefinition(model: FunnelModel): { definition: Record<string, unknown>; faults: Fault[] } {
  const faults: Fault[] = [];
  const steps = model.steps.map((step, i) => {
    const where = whereJson(step.where, `steps[${i}].where`, faults);
    return { event: step.event.trim(), ...(where ? { where } : {}) };
  });
  const within = durationIso(model.within, 'within', faults);
  const by = model.by === 'path' ? model.byPath.trim() : model.by;
  if (model.by === 'path' && by === '') faults.push({ path: 'by', message: 'give a path such as properties.category, or choose no breakdown' });
  return { definition: { steps, within, ...(by ? { by } : {}) }, faults };
}

/** How a step reads in results: its event and its filters (`Product Added (properties.price ≥ 50)`). */
export function stepLabel(step: StepModel): string {
  const filters = step.where
    .filter((filter) => filter.path.trim() !== '')
    .map((filter) => {
      const op = OPS.find(([known]) => known === filter.op)?.[1] ?? filter.op;
      return filter.op === 'exists' || filter.op === 'missing' ? `${filter.path} ${op}` : `${filter.path} ${op} ${filter.value.trim()}`;
    });
  return filters.length === 0 ? step.event.trim() : `${step.event.trim()} (${filters.join(', ')})`;
}
