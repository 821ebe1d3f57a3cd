import { dataTable, formatCount, formatDuration, formatRate, h } from '../dom.js';
import { createSuggestions } from './builder-suggestions.js';
import { apiFaults, faultList, showFaults, type Fault } from './definition-faults.js';
import { funnelChart } from './funnel-chart.js';
import { createFunnelBuilder } from './funnel-builder.js';
import { BREAKDOWNS, funnelDefinition, stepLabel } from './funnel-model.js';
import type { ConsolePage } from './page.js';

interface Step {
  event: string;
  people: number;
  conversion: number;
  conversionFromFirst: number;
  medianSeconds: number | null;
}
interface Answer {
  steps: Step[];
  breakdown?: { value: string | null; steps: Step[] }[];
  warnings: Fault[];
}
/** Bars per step in the chart: the largest breakdown groups (every group has its table). */
const CHART_GROUPS = 6;

const stepTable = (caption: string, steps: Step[], labels: string[], attrs = {}) =>
  dataTable(
    caption,
    [
      { label: 'Step', value: (s) => labels[steps.indexOf(s)] ?? s.event },
      { label: 'People', value: (s) => formatCount(s.people), numeric: true },
      { label: 'Conversion', value: (s) => formatRate(s.conversion), numeric: true },
      { label: 'From first', value: (s) => formatRate(s.conversionFromFirst), numeric: true },
      { label: 'Median time', value: (s) => formatDuration(s.medianSeconds), numeric: true },
    ],
    steps,
    attrs,
  );

/** Funnels: steps built as rows (event + filters) within a window → people, conversion and median time per step, per breakdown group. */
export const funnelsPage: ConsolePage = {
  id: 'funnels',
  title: 'Funnels',
  mount(root, context) {
    const suggestions = createSuggestions(context.api);
    const builder = createFunnelBuilder(suggestions);
    const result = h('div', { 'data-testid': 'funnel-result' });
    const status = h('p', { class: 'visually-hidden', role: 'status' });

    const faults = (list: readonly Fault[]) => {
      status.textContent = showFaults(result, root, list, (all) => builder.showMessages(all, 'fault'), 'funnel');
    };
    const run = async () => {
      builder.clearMessages();
      const model = builder.model();
      const { definition, faults: errors } = funnelDefinition(model);
      if (errors.length > 0) return faults(errors);
      const labels = model.steps.map(stepLabel);
      const by = typeof definition.by === 'string' ? definition.by : undefined;
      const byLabel = BREAKDOWNS.find(([value]) => value === by)?.[1] ?? by;
      result.replaceChildren(h('p', { class: 'hint' }, 'Counting…'));
      try {
        const answer = await context.api.post<Answer>('/funnels/preview', definition);
        builder.showMessages(answer.warnings, 'warning');
        status.textContent = answer.steps.map((s, i) => `${labels[i] ?? s.event}: ${s.people}`).join('; ');
        const groups = answer.breakdown ?? [];
        const charted = groups.slice(0, CHART_GROUPS);
        result.replaceChildren(
          ...(answer.warnings.length > 0 ? [faultList(answer.warnings, 'warnings')] : []),
          funnelChart(
            groups.length > 0 ? `People per step by ${byLabel}${groups.length > CHART_GROUPS ? ` (the ${CHART_GROUPS} largest groups)` : ''}` : 'People per step',
            labels,
            charted.length > 0 ? charted.map((group) => ({ label: group.value ?? '(none)', values: group.steps.map((s) => s.people) })) : [{ label: 'People', values: answer.steps.map((s) => s.people) }],
          ),
        );
        result.append(
          stepTable('Everyone', answer.steps, labels, { 'data-testid': 'funnel-steps' }),
          ...groups.map((group) => stepTable(`${byLabel} = ${group.value ?? '(none)'}`, group.steps, labels, { 'data-breakdown': group.value ?? '' })),
        );
      } catch (error) {
        const list = apiFaults(error);
        result.replaceChildren();
        if (list.length > 0) faults(list);
        else context.notify((error as Error).message, 'error');
      }
    };

    root.append(
      suggestions.events,
      suggestions.paths,
      h('div', { class: 'toolbar' }, h('h1', {}, 'Funnels')),
      h('p', { class: 'hint' }, 'A person counts at a step when they did it after the previous step and within the conversion window of their first step (first steps from the last 7 days). A step may filter on its event (where …).'),
      h(
        'form',
        { class: 'builder', 'data-testid': 'funnel-builder', 'aria-label': 'Funnel builder', onsubmit: (e) => (e.preventDefault(), void run()) },
        builder.element,
        h('div', { class: 'actions submit' }, h('button', { type: 'submit' }, 'Show')),
      ),
      status,
      result,
    );
    return () => undefined;
  },
};
