/** Attributes and listeners of {@link h}: `on*` functions become listeners, the rest attributes. */
export type Attrs = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;
export type Child = Node | string | number | null | undefined | false;

/**
 * Creates an element; text children become text nodes (never parsed as HTML, so event data
 * shown in the console cannot inject markup).
 *
 * @example
 * h('button', { class: 'primary', onclick: () => pause() }, 'Pause')
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

/** Appends children (see {@link h}). */
export function append(parent: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** A column of {@link dataTable}: its heading and how a row shows in it. */
export interface Column<T> {
  label: string;
  value: (row: T) => string | number | Node;
  numeric?: boolean;
}

/**
 * An accessible table (caption, header cells with scope), the numbers of a chart in text.
 *
 * @example
 * dataTable('Top events', [{ label: 'Event', value: (r) => r.label }], rows)
 */
export function dataTable<T>(caption: string, columns: Column<T>[], rows: T[], attrs: Attrs = {}, empty = 'No data in this range'): HTMLTableElement {
  return h(
    'table',
    attrs,
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...columns.map((column) => h('th', { scope: 'col', class: column.numeric ? 'num' : null }, column.label)))),
    h(
      'tbody',
      {},
      ...(rows.length === 0
        ? [h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, empty))]
        : rows.map((row) => h('tr', {}, ...columns.map((column) => h('td', { class: column.numeric ? 'num' : null }, column.value(row)))))),
    ),
  );
}

/** Formats a count with thousands separators. */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

/** Formats a fraction as a percentage, `–` when there is nothing to divide. */
export const formatRate = (rate: number | null): string => (rate === null ? '–' : `${(rate * 100).toFixed(1)} %`);

/** A duration in seconds as the largest units that matter: `2 d 3 h`, `4 min 10 s`. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '–';
  const units: [string, number][] = [['d', 86_400], ['h', 3_600], ['min', 60], ['s', 1]];
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [label, size] of units) {
    if (rest >= size || (label === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(rest / size)} ${label}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
