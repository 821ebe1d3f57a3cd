import { ApiError } from '../api.js';
import { h } from '../dom.js';

/** A fault or warning of a segment or funnel definition, named by its path. */
export interface Fault {
  path: string;
  message: string;
}

/** A list of definition faults (400 `invalid_definition`) or warnings, each by its path. */
export function faultList(faults: readonly Fault[], kind: 'faults' | 'warnings'): HTMLElement {
  return h('ul', { class: kind, 'data-testid': kind }, ...faults.map((f) => h('li', { 'data-path': f.path }, h('code', {}, f.path), `: ${f.message}`)));
}

/** The faults of a 400 `invalid_definition` answer (none for any other failure). */
export function apiFaults(error: unknown): Fault[] {
  return error instanceof ApiError && Array.isArray(error.details.faults) ? (error.details.faults as Fault[]) : [];
}

/**
 * Shows a definition's faults: `place` puts each it can beside its field and returns the rest,
 * which are listed in `target` under a summary; the first marked field in `scope` gets the
 * focus. Returns the summary (for a status line).
 */
export function showFaults(target: HTMLElement, scope: HTMLElement, faults: readonly Fault[], place: (faults: readonly Fault[]) => Fault[], noun: string): string {
  const listed = place(faults);
  const beside = faults.length - listed.length;
  const summary = `The ${noun} has ${faults.length} fault${faults.length === 1 ? '' : 's'}${beside > 0 ? `: ${beside === faults.length ? 'each' : `${beside}`} shown beside its field` : ''}.`;
  target.replaceChildren(h('p', { class: 'faults-summary', 'data-testid': 'faults-summary' }, summary), ...(listed.length > 0 ? [faultList(listed, 'faults')] : []));
  scope.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  return summary;
}
