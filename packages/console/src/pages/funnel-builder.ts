import { h } from '../dom.js';
import { builderField, choice, type BuilderField } from './builder-field.js';
import type { Suggestions } from './builder-suggestions.js';
import { durationFields } from './condition-row.js';
import type { Fault } from './definition-faults.js';
import { filterRows } from './filter-rows.js';
import { BREAKDOWNS, emptyFunnel, MAX_STEPS, type FunnelModel } from './funnel-model.js';

/**
 * The funnel builder: steps as fieldsets ("Step N": event, filters, move up/down, remove),
 * the conversion window and the breakdown. Redraws on structural edits and puts the focus back.
 */
export function createFunnelBuilder(suggestions: Suggestions) {
  const model = emptyFunnel();
  const list = h('div', { class: 'steps' });
  const settings = h('div', { class: 'fields' });
  const message = h('p', { class: 'field-message row-message' });
  const root = h('fieldset', { class: 'funnel-steps', 'data-testid': 'funnel-steps-builder' }, h('legend', { class: 'visually-hidden' }, 'Steps'), list, settings, message);
  let routes: { event: BuilderField; filters: ReturnType<typeof filterRows>; message: HTMLElement }[] = [];
  let fields: Record<string, BuilderField> = {};
  const edit = { changed: () => undefined, redraw };

  function move(from: number, to: number, focus: string) {
    const [step] = model.steps.splice(from, 1);
    if (step) model.steps.splice(to, 0, step);
    redraw(`s${to}.${focus}`);
  }
  function redraw(focus?: string) {
    const count = model.steps.length;
    routes = [];
    list.replaceChildren(
      ...model.steps.map((step, i) => {
        const event = builderField('Event', h('input', { name: 'event', value: step.event, list: suggestions.events.id, size: 22, autocomplete: 'off', 'data-focus': `s${i}.event` }));
        event.control.addEventListener('input', () => (step.event = event.control.value));
        const filters = filterRows(step.where, `s${i}`, suggestions.paths, edit);
        const stepMessage = h('p', { class: 'field-message row-message' });
        routes.push({ event, filters, message: stepMessage });
        return h(
          'fieldset',
          { class: 'condition step', 'data-testid': 'step' },
          h('legend', {}, `Step ${i + 1}`),
          h('div', { class: 'fields' }, event.element),
          filters.element,
          stepMessage,
          h(
            'div',
            { class: 'actions' },
            h('button', { type: 'button', class: 'secondary', disabled: i === 0, 'data-focus': `s${i}.up`, onclick: () => move(i, i - 1, i - 1 === 0 ? 'down' : 'up') }, 'Move up'),
            h('button', { type: 'button', class: 'secondary', disabled: i === count - 1, 'data-focus': `s${i}.down`, onclick: () => move(i, i + 1, i + 1 === count - 1 ? 'up' : 'down') }, 'Move down'),
            h('button', { type: 'button', class: 'secondary', disabled: count <= 2, 'data-focus': `s${i}.remove`, onclick: () => (model.steps.splice(i, 1), redraw('add-step')) }, 'Remove step'),
          ),
        );
      }),
      h('button', { type: 'button', class: 'secondary', disabled: count >= MAX_STEPS, 'data-focus': 'add-step', onclick: () => (model.steps.push({ event: '', where: [] }), redraw(`s${model.steps.length - 1}.event`)) }, 'Add step'),
    );
    const within = durationFields('Conversion window', model.within, 'within', edit);
    const by = builderField('Breakdown', choice('by', BREAKDOWNS, model.by));
    by.control.dataset.focus = 'by';
    by.control.addEventListener('change', () => ((model.by = by.control.value as FunnelModel['by']), redraw('by')));
    fields = { within: within.amount, by };
    const parts = [within.amount.element, within.unit.element, by.element];
    if (model.by === 'path') {
      const path = builderField('Breakdown path', h('input', { name: 'byPath', value: model.byPath, list: suggestions.paths.id, size: 26, placeholder: 'properties.category', autocomplete: 'off', 'data-focus': 'byPath' }));
      path.control.addEventListener('input', () => (model.byPath = path.control.value));
      fields.by = path;
      parts.push(path.element);
    }
    settings.replaceChildren(...parts);
    if (focus) root.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focus)}"]`)?.focus();
  }
  redraw();

  return {
    element: root,
    model: () => model,
    clearMessages() {
      for (const route of routes) (route.event.clear(), (route.message.textContent = ''));
      for (const field of Object.values(fields)) field.clear();
      message.textContent = '';
    },
    /** Puts each fault or warning beside its field; returns those that name no field. */
    showMessages(messages: readonly Fault[], kind: 'fault' | 'warning'): Fault[] {
      return messages.filter((fault) => {
        const step = /^steps\[(\d+)\](?:\.(.*))?$/.exec(fault.path);
        const route = step ? routes[Number(step[1])] : undefined;
        if (step && route) {
          const rest = step[2] ?? '';
          if (rest === 'event') route.event.show(fault.message, kind);
          else if (!(rest.startsWith('where') && route.filters.route(rest.slice(5), fault.message, kind))) {
            route.message.textContent = `${route.message.textContent ? `${route.message.textContent}; ` : ''}${rest ? `${rest}: ` : ''}${fault.message}`;
            route.message.className = `field-message row-message ${kind}`;
          }
          return false;
        }
        const field = fields[fault.path];
        if (field) field.show(fault.message, kind);
        const name = /named ("(?:[^"\\]|\\.)*")/.exec(fault.message)?.[1];
        if (!field && name) {
          const event = JSON.parse(name) as string;
          const holders = routes.filter((_, i) => model.steps[i]?.event.trim() === event);
          for (const holder of holders) holder.event.show(fault.message, kind);
          return holders.length === 0;
        }
        return !field;
      });
    },
  };
}
