import { h, type Child } from '../dom.js';

let ids = 0;
/** A document-unique id (fault messages, datalists). */
export const uniqueId = (prefix: string): string => `${prefix}-${++ids}`;

/** A labelled control with a slot beside it for its fault or warning. */
export interface BuilderField {
  element: HTMLElement;
  control: HTMLInputElement | HTMLSelectElement;
  /** Shows a message next to the control and ties it to it (aria-describedby, aria-invalid for faults). */
  show(message: string, kind: 'fault' | 'warning'): void;
  clear(): void;
}

/**
 * `<label>` with its text and control, and the message slot after it. The label is visible
 * unless `hiddenLabel` (then screen readers and `getByLabel` still have it).
 *
 * @example
 * const event = builderField('Event', h('input', { list: 'event-names' }));
 */
export function builderField(label: string, control: HTMLInputElement | HTMLSelectElement, options: { hiddenLabel?: boolean; extra?: Child } = {}): BuilderField {
  const message = h('span', { class: 'field-message', id: uniqueId('field-message'), 'data-testid': 'field-message' });
  // A label *for* the control, not around it: wrapped, a select's chosen option would join its name ("Operator =").
  control.id ||= uniqueId('field');
  const element = h('div', { class: 'field' }, h('label', { for: control.id, class: options.hiddenLabel ? 'visually-hidden' : 'field-label' }, label), control, options.extra, message);
  return {
    element,
    control,
    show(text, kind) {
      message.textContent = message.textContent ? `${message.textContent}; ${text}` : text;
      message.className = `field-message ${kind}`;
      control.setAttribute('aria-describedby', message.id);
      if (kind === 'fault') control.setAttribute('aria-invalid', 'true');
    },
    clear() {
      message.textContent = '';
      message.className = 'field-message';
      control.removeAttribute('aria-describedby');
      control.removeAttribute('aria-invalid');
    },
  };
}

/** A `<select>` of value/label pairs with one chosen. */
export function choice(name: string, options: readonly (readonly [string, string])[], selected: string): HTMLSelectElement {
  return h('select', { name }, ...options.map(([value, text]) => h('option', { value, selected: value === selected }, text)));
}

/** Where a message for a definition path goes; unrouted ones are listed under the builder. */
export type FaultRouter = (path: string, message: string, kind: 'fault' | 'warning') => boolean;
