declare const __SCRIPT_TAG__: boolean | undefined;

/**
 * True in a page, false during server-side rendering (no `document`): browser APIs are only
 * touched when it is true. The script-tag build defines `__SCRIPT_TAG__` (it only ever runs in
 * a page), so there every check folds away at build time.
 *
 * @example
 * if (inBrowser()) addEventListener('online', resume);
 */
export const inBrowser = (): boolean => typeof __SCRIPT_TAG__ == 'boolean' || typeof document != 'undefined';
