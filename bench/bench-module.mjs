/**
 * @typedef {object} Figure
 * @property {string} name
 * @property {number} value
 * @property {string} unit e.g. `B`, `µs`, `events/s`
 * @property {number} [budget] Upper bound; over it, the run fails.
 */

/**
 * @typedef {object} BenchResult
 * @property {boolean} ok False when a figure is over its budget or the bench could not run.
 * @property {Figure[]} figures
 * @property {string[]} [notes]
 */

/**
 * One benchmark `bench/run.mjs` runs; each lives in its own file and is listed in run.mjs.
 *
 * @typedef {object} BenchModule
 * @property {string} name Short id, used in bench/results/latest.json.
 * @property {string} title
 * @property {() => Promise<BenchResult>} run
 */

export {};
