/** Columns of text values packed for `string_to_array`, with the separator chosen for them. */
export interface PackedColumns {
  /** One text per column: each value followed by `separator` (nothing for an empty column). */
  columns: string[];
  /** Occurs in no value (chosen per call, so no escaping is ever needed). */
  separator: string;
  /** Stands for NULL: equal to no value, and free of the separator. */
  nullMarker: string;
}

/** Control characters JSON text never holds unescaped (raw and normalized are JSON). */
const CANDIDATES = ['\u001e', '\u001f', '\u001d', '\u001c'];

/**
 * Packs columns of text for `(string_to_array($col, $separator, $nullMarker))[1:$rows]`.
 *
 * Why not a `text[]` literal: every `"` and `\` in the value must be escaped, and raw JSON is
 * full of quotes; escaping cost about 9 µs per 600-byte event in Node and array_in parses it
 * again on the server, while a join is a copy (0.5 µs) and string_to_array a scan. A separator
 * none of the values contains makes the format need no escaping at all. The trailing separator
 * keeps a single empty string apart from no value (string_to_array('') is an empty array): the
 * extra last element is cut by the `[1:rows]` slice.
 *
 * PostgreSQL text cannot hold U+0000 (the whole batch would fail, and the client would retry
 * it forever), while JSON, JavaScript and SQLite can: an id or name holding one is stored with
 * U+FFFD. `raw` never does (it is JSON text, where U+0000 can only appear escaped).
 *
 * @example
 * packColumns([['a', null], ['', 'x']])
 * // { separator: '\u001e', nullMarker: '\u001fN', columns: ['a\u001e\u001fN\u001e', '\u001ex\u001e'] }
 */
export function packColumns(columns: readonly (readonly (string | null)[])[]): PackedColumns {
  const separator = chooseSeparator(columns);
  const nullMarker = chooseNullMarker(columns, separator);
  return {
    columns: columns.map((values) => {
      let packed = '';
      // += builds a rope that V8 flattens once; no per-value array or escaping.
      for (const value of values) packed += (value ?? nullMarker) + separator;
      return toPgText(packed);
    }),
    separator,
    nullMarker,
  };
}

/**
 * A value with U+0000 replaced as PostgreSQL stores it (see {@link packColumns}).
 *
 * @example
 * toPgText('a\u0000b') // 'a\uFFFDb'
 */
export function toPgText(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A string PostgreSQL's json and text types both take: U+0000 (text refuses it) and lone
 * surrogates (json refuses them) as U+FFFD, as the driver stores them in text columns.
 *
 * @example
 * toPgJsonText('a\ud800') // 'a\uFFFD'
 */
export function toPgJsonText(value: string): string {
  return toPgText(value.replace(LONE_SURROGATE, '\uFFFD'));
}

/**
 * JSON of `value` whose strings are {@link toPgJsonText}: what PostgreSQL's json reads back as
 * the text the other columns hold.
 *
 * @example
 * toPgJson([{ id: 'a\u0000' }]) // '[{"id":"a\uFFFD"}]'
 */
export function toPgJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'string' ? toPgJsonText(item) : item));
}

function chooseSeparator(columns: readonly (readonly (string | null)[])[]): string {
  const absent = (separator: string) =>
    columns.every((values) => values.every((value) => value === null || !value.includes(separator)));
  for (const candidate of CANDIDATES) if (absent(candidate)) return candidate;
  // Values holding all four (crafted input): a random separator; lengthening a fixed one would
  // let a value built of repeats force one scan of the batch per repeat.
  for (;;) {
    const separator = `\u001e${Math.random().toString(36).slice(2)}\u001e`;
    if (absent(separator)) return separator;
  }
}

function chooseNullMarker(columns: readonly (readonly (string | null)[])[], separator: string): string {
  const unused = (marker: string) =>
    !marker.includes(separator) && columns.every((values) => values.every((value) => value !== marker));
  for (const candidate of CANDIDATES) if (unused(`${candidate}N`)) return `${candidate}N`;
  for (;;) {
    const marker = `\u001f${Math.random().toString(36).slice(2)}`;
    if (unused(marker)) return marker;
  }
}
