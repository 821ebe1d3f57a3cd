declare const __SCRIPT_TAG__: boolean | undefined;

/**
 * True in dist/cairn.js, the script-tag build (tsup defines `__SCRIPT_TAG__`); false in the npm
 * build. Constant at build time, so code behind it folds away from one build or the other.
 */
export const SCRIPT_TAG = typeof __SCRIPT_TAG__ == 'boolean';

/**
 * Whether run-time messages are spelled out: in the npm build (a bundler's development and
 * production builds alike), not in the script tag, whose byte budget carries only each error's
 * `code`, `status` and `count` (docs/privacy.md lists the codes): there the message is the code.
 *
 * @example
 * report(VERBOSE ? count + ' events dropped: over maxQueueEvents' : '', 'events_dropped', 0, count);
 */
export const VERBOSE = !SCRIPT_TAG;
