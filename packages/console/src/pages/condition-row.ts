import { h } from '../dom.js';
import { builderField, choice, type BuilderField } from './builder-field.js';
import type { Suggestions } from './builder-suggestions.js';
import { DURATION_UNITS, type DurationModel, type DurationUnit } from './filter-model.js';
import { filterRows, testFields, type EditContext } from './filter-rows.js';
import type { RowKind, RowModel, WindowModel } from './segment-model.js';

const KINDS: readonly (readonly [RowKind, string])[] = [
  ['did', 'did an event'],
  ['thenNot', 'did an event, then not another'],
  ['trait', 'has a trait'],
];
const WHEN: readonly (readonly [WindowModel['mode'], string])[] = [
  ['last', 'in the last'],
  ['between', 'between dates'],
  ['any', 'any time (last 90 days)'],
];

/** A number and a unit: two labelled fields (`In the last`, `In the last (unit)`). */
export function durationFields(label: string, duration: DurationModel, focus: string, edit: EditContext): { amount: BuilderField; unit: BuilderField } {
  const amount = builderField(label, h('input', { name: 'amount', value: duration.amount, size: 4, inputmode: 'numeric', 'data-focus': `${focus}.amount` }));
  amount.control.addEventListener('input', () => ((duration.amount = amount.control.value), edit.changed()));
  const unit = builderField(`${label} (unit)`, choice('unit', DURATION_UNITS.map((u) => [u, u] as const), duration.unit), { hiddenLabel: true });
  unit.control.dataset.focus = `${focus}.unit`;
  unit.control.addEventListener('change', () => ((duration.unit = unit.control.value as DurationUnit), edit.changed()));
  return { amount, unit };
}

function textField(label: string, value: string, focus: string, set: (value: string) => void, edit: EditContext, attrs: Record<string, string | number> = {}): BuilderField {
  const field = builderField(label, h('input', { value, 'data-focus': focus, autocomplete: 'off', ...attrs }));
  field.control.addEventListener('input', () => (set(field.control.value), edit.changed()));
  return field;
}

/**
 * One condition of the segment builder, as a fieldset named "Condition N": its kind, NOT,
 * and the kind's fields; `route` puts a fault or warning whose path points into this row
 * (`did`, `within`, `where["context.device.type"]` …) beside the field it names.
 */
export function conditionRow(row: RowModel, index: number, suggestions: Suggestions, edit: EditContext, remove: () => void) {
  const focus = `r${index}`;
  const kind = builderField('Condition', choice('kind', KINDS, row.kind));
  kind.control.dataset.focus = `${focus}.kind`;
  kind.control.addEventListener('change', () => ((row.kind = kind.control.value as RowKind), edit.redraw(`${focus}.kind`)));
  const not = h('input', { type: 'checkbox', name: 'not', checked: row.not, 'data-focus': `${focus}.not` });
  not.addEventListener('change', () => ((row.not = not.checked), edit.changed()));
  const fields: Record<string, BuilderField> = {};
  const parts: (HTMLElement | null)[] = [];
  let filters: ReturnType<typeof filterRows> | undefined;

  if (row.kind === 'trait') {
    fields.trait = textField('Trait', row.trait, `${focus}.trait`, (v) => (row.trait = v), edit, { placeholder: 'plan', size: 16 });
    const test = testFields(row.test, `${focus}.test`, edit);
    fields.test = test.value;
    parts.push(h('div', { class: 'fields' }, fields.trait.element, ...test.fields.map((f) => f.element)));
  } else {
    fields.did = textField('Event', row.event, `${focus}.event`, (v) => (row.event = v), edit, { list: suggestions.events.id, size: 22, placeholder: 'Product Added' });
    const line: HTMLElement[] = [fields.did.element];
    if (row.kind === 'thenNot') {
      fields.thenNot = textField('Then not event', row.thenNot, `${focus}.thenNot`, (v) => (row.thenNot = v), edit, { list: suggestions.events.id, size: 22, placeholder: 'Order Completed' });
      const after = durationFields('Within', row.after, `${focus}.after`, edit);
      fields.after = after.amount;
      line.push(fields.thenNot.element, after.amount.element, after.unit.element);
    } else {
      fields.atLeast = textField('At least (times)', row.atLeast, `${focus}.atLeast`, (v) => (row.atLeast = v), edit, { size: 4, inputmode: 'numeric', placeholder: '1' });
      line.push(fields.atLeast.element);
    }
    const when = builderField('When', choice('when', WHEN, row.window.mode));
    when.control.dataset.focus = `${focus}.when`;
    when.control.addEventListener('change', () => ((row.window.mode = when.control.value as WindowModel['mode']), edit.redraw(`${focus}.when`)));
    const windowLine: HTMLElement[] = [when.element];
    if (row.window.mode === 'last') {
      const last = durationFields('In the last', row.window.last, `${focus}.last`, edit);
      fields.within = last.amount;
      windowLine.push(last.amount.element, last.unit.element);
    } else if (row.window.mode === 'between') {
      fields.from = textField('From date', row.window.from, `${focus}.from`, (v) => (row.window.from = v), edit, { placeholder: '2026-12-01', size: 12 });
      fields.to = textField('To date', row.window.to, `${focus}.to`, (v) => (row.window.to = v), edit, { placeholder: '2026-12-08', size: 12 });
      windowLine.push(fields.from.element, fields.to.element);
    }
    filters = filterRows(row.where, focus, suggestions.paths, edit);
    parts.push(
      h('div', { class: 'fields' }, ...line),
      h('div', { class: 'fields' }, ...windowLine),
      row.kind === 'thenNot' ? h('p', { class: 'hint row-hint' }, 'Filters (where …) apply to the first event.') : null,
      filters.element,
    );
  }
  const message = h('p', { class: 'field-message row-message', 'data-testid': 'row-message' });
  const element = h(
    'fieldset',
    { class: 'condition', 'data-testid': 'condition' },
    h('legend', {}, `Condition ${index + 1}`),
    h('div', { class: 'fields' }, kind.element, h('div', { class: 'field' }, h('label', { class: 'check' }, not, h('span', {}, row.kind === 'did' ? 'NOT (did not)' : 'NOT (exclude the people who match)')))),
    ...parts,
    message,
    h('button', { type: 'button', class: 'secondary', 'data-focus': `${focus}.remove`, onclick: remove }, 'Remove condition'),
  );
  return {
    element,
    clear: () => {
      for (const field of Object.values(fields)) field.clear();
      message.textContent = '';
    },
    /** `rest` is the fault's path after `all[i].` (and `not.`). Always takes it: at worst under the row. */
    route(rest: string, text: string, kindOf: 'fault' | 'warning'): boolean {
      const head = /^[A-Za-z]+/.exec(rest)?.[0] ?? '';
      const testOp = ['equals', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'exists'].includes(head) ? 'test' : head;
      if (head === 'where' && filters?.route(rest.slice(5), text, kindOf)) return true;
      const field = fields[testOp];
      if (field) field.show(text, kindOf);
      else {
        message.textContent = `${message.textContent ? `${message.textContent}; ` : ''}${rest ? `${rest}: ` : ''}${text}`;
        message.className = `field-message row-message ${kindOf}`;
      }
      return true;
    },
    /** A warning about an event name: beside each event input holding it. */
    warnEvent(name: string, text: string): boolean {
      let shown = false;
      if (row.kind !== 'trait' && row.event.trim() === name) (fields.did?.show(text, 'warning'), (shown = true));
      if (row.kind === 'thenNot' && row.thenNot.trim() === name) (fields.thenNot?.show(text, 'warning'), (shown = true));
      return shown;
    },
  };
}
