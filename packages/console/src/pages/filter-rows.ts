import { h } from '../dom.js';
import { builderField, choice, type BuilderField } from './builder-field.js';
import { emptyFilter, OPS, VALUE_TYPES, type FilterModel, type FilterOp, type ValueTestModel, type ValueType } from './filter-model.js';

/** How a builder part tells its builder about edits. */
export interface EditContext {
  /** A value changed: the JSON follows. */
  changed(): void;
  /** Rows or fields appeared or went: redraw, then focus the control with this data-focus key. */
  redraw(focus?: string): void;
}

/** Operator, value and value type of one test (a filter's or a trait's). */
export function testFields(test: ValueTestModel, focus: string, edit: EditContext): { fields: BuilderField[]; value: BuilderField } {
  const op = builderField('Operator', choice('op', OPS, test.op));
  op.control.dataset.focus = `${focus}.op`;
  // "is set" has no value and "is one of" takes a list: the fields change with the operator.
  const shape = (o: FilterOp) => (o === 'exists' || o === 'missing' ? 'none' : o === 'in' ? 'list' : 'one');
  op.control.addEventListener('change', () => {
    const before = shape(test.op);
    test.op = op.control.value as FilterOp;
    if (shape(test.op) !== before) edit.redraw(`${focus}.op`);
    else edit.changed();
  });
  const value = builderField(test.op === 'in' ? 'Values (comma-separated)' : 'Value', h('input', { name: 'value', value: test.value, size: 14, 'data-focus': `${focus}.value` }));
  value.control.addEventListener('input', () => ((test.value = value.control.value), edit.changed()));
  const type = builderField('Value type', choice('type', VALUE_TYPES, test.type));
  type.control.dataset.focus = `${focus}.type`;
  type.control.addEventListener('change', () => ((test.type = type.control.value as ValueType), edit.changed()));
  return { fields: test.op === 'exists' || test.op === 'missing' ? [op] : [op, value, type], value };
}

const PATH_FAULT = /^(must start with|has a segment|is deeper|give a path|is filtered twice)/;

/**
 * The `where` filters of a condition or funnel step: one fieldset per filter (path with
 * suggestions, operator, value, value type, remove), and "Add filter".
 */
export function filterRows(filters: FilterModel[], focus: string, paths: HTMLDataListElement, edit: EditContext) {
  const routes: { filter: FilterModel; path: BuilderField; value: BuilderField }[] = [];
  const rows = filters.map((filter, i) => {
    const key = `${focus}.f${i}`;
    const path = builderField('Path', h('input', { name: 'path', value: filter.path, list: paths.id, size: 26, placeholder: 'context.device.type', 'data-focus': `${key}.path`, autocomplete: 'off' }));
    path.control.addEventListener('input', () => ((filter.path = path.control.value), edit.changed()));
    const test = testFields(filter, key, edit);
    routes.push({ filter, path, value: test.value });
    return h(
      'fieldset',
      { class: 'filter', 'data-testid': 'filter' },
      h('legend', {}, `Filter ${i + 1}`),
      path.element,
      ...test.fields.map((field) => field.element),
      h('button', { type: 'button', class: 'secondary', 'data-focus': `${key}.remove`, onclick: () => (filters.splice(i, 1), edit.redraw(`${focus}.add-filter`)) }, 'Remove filter'),
    );
  });
  const add = h(
    'button',
    { type: 'button', class: 'secondary', 'data-focus': `${focus}.add-filter`, onclick: () => (filters.push(emptyFilter()), edit.redraw(`${focus}.f${filters.length - 1}.path`)) },
    filters.length === 0 ? 'Add a filter (where …)' : 'Add another filter',
  );
  return {
    element: h('div', { class: 'filters-of' }, ...rows, add),
    /** A fault at `where["path"]…`: beside the filter with that path. */
    route(rest: string, message: string, kind: 'fault' | 'warning'): boolean {
      const match = /^\[("(?:[^"\\]|\\.)*")\]/.exec(rest);
      if (!match) return false;
      const key = JSON.parse(match[1] as string) as string;
      const target = routes.find((route) => route.filter.path.trim() === key);
      if (!target) return false;
      (PATH_FAULT.test(message) && rest === match[0] ? target.path : target.value).show(message, kind);
      return true;
    },
  };
}
