import type { ConsoleApi } from '../api.js';

/** What every page gets: the JSON API and the list of sources. */
export interface PageContext {
  api: ConsoleApi;
  sources: string[];
  /** Shows a short status line (errors, results of actions). */
  notify(message: string, kind?: 'info' | 'error'): void;
}

/**
 * One page of the console: a nav entry and what it draws. To add a page, write a module that
 * exports one of these and list it in `pages/index.ts` (docs/console.md).
 *
 * @example
 * export const helloPage: ConsolePage = { id: 'hello', title: 'Hello', mount: (root) => { root.textContent = 'hi'; return () => {}; } };
 */
export interface ConsolePage {
  /** URL fragment (`#live`) and test hook (`data-page`). */
  id: string;
  /** Nav label. */
  title: string;
  /** Draws into `root`; returns the clean-up run when another page opens (close streams, timers). */
  mount(root: HTMLElement, context: PageContext): () => void;
}
