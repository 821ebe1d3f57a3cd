import { dataTable, formatCount, formatDuration, formatRate, h } from '../dom.js';
import type { ConsolePage } from './page.js';
import { faultList, showFailure } from './definition-faults.js';

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
  warnings: { path: string; message: string }[];
}

const BREAKDOWNS = ['context.device.type', 'context.campaign.source'];

const stepTable = (caption: string, steps: Step[], attrs = {}) =>
  dataTable(
    caption,
    [
      { label: 'Step', value: (s) => s.event },
      { label: 'People', value: (s) => formatCount(s.people), numeric: true },
      { label: 'Conversion', value: (s) => formatRate(s.conversion), numeric: true },
      { label: 'From first', value: (s) => formatRate(s.conversionFromFirst), numeric: true },
      { label: 'Median time', value: (s) => formatDuration(s.medianSeconds), numeric: true },
    ],
    steps,
    attrs,
  );

/** Funnels: ordered steps within a window → people, conversion and median time per step. */
export const funnelsPage: ConsolePage = {
  id: 'funnels',
  title: 'Funnels',
  mount(root, context) {
    const steps = h('textarea', { name: 'steps', rows: 5, class: 'code', 'aria-label': 'Steps, one event name per line' });
    steps.value = 'Product Viewed\nProduct Added\nOrder Completed';
    const within = h('input', { name: 'within', value: 'P7D', 'aria-label': 'Conversion window (ISO 8601 duration)', size: 8 });
    const by = h('select', { name: 'by', 'aria-label': 'Breakdown' }, h('option', { value: '' }, 'no breakdown'), ...BREAKDOWNS.map((path) => h('option', { value: path }, path)));
    const result = h('div', { 'data-testid': 'funnel-result' });

    const run = async () => {
      const events = steps.value.split('\n').map((line) => line.trim()).filter((line) => line !== '');
      const body = { steps: events.map((event) => ({ event })), within: within.value.trim(), ...(by.value ? { by: by.value } : {}) };
      result.replaceChildren(h('p', { class: 'hint' }, 'Counting…'));
      try {
        const answer = await context.api.post<Answer>('/funnels/preview', body);
        result.replaceChildren(
          ...(answer.warnings.length > 0 ? [faultList(answer.warnings, 'warnings')] : []),
          stepTable('Everyone', answer.steps, { 'data-testid': 'funnel-steps' }),
          ...(answer.breakdown ?? []).map((group) => stepTable(`${by.value} = ${group.value ?? '(none)'}`, group.steps, { 'data-breakdown': group.value ?? '' })),
        );
      } catch (error) {
        result.replaceChildren();
        showFailure(result, error, context.notify);
      }
    };

    root.append(
      h('div', { class: 'toolbar' }, h('h1', {}, 'Funnels')),
      h('p', { class: 'hint' }, 'A person counts at a step when they did it after the previous step and within the window of their first step (first steps from the last 7 days).'),
      h(
        'form',
        { class: 'builder', 'data-testid': 'funnel-builder', onsubmit: (e) => (e.preventDefault(), void run()) },
        h('label', {}, 'Steps (one event name per line)', steps),
        h('div', { class: 'actions' }, h('label', {}, 'Within ', within), h('label', {}, 'Breakdown ', by), h('button', { type: 'submit' }, 'Show')),
      ),
      result,
    );
    return () => undefined;
  },
};
