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

/** Shows an API failure: its faults by path when the definition had some, else the message. */
export function showFailure(target: HTMLElement, error: unknown, notify: (message: string, kind?: 'info' | 'error') => void): void {
  const faults = error instanceof ApiError && Array.isArray(error.details.faults) ? (error.details.faults as Fault[]) : [];
  if (faults.length > 0) target.replaceChildren(h('p', {}, 'The definition has faults:'), faultList(faults, 'faults'));
  else notify((error as Error).message, 'error');
}
