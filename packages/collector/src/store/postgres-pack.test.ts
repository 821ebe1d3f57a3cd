import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { packColumns } from './postgres-pack.js';
import { POSTGRES_SKIP_NOTE, TEST_DATABASE_URL } from './postgres-test-schema.js';

describe('packColumns', () => {
  it('picks a separator and a NULL marker that no value contains or equals', () => {
    expect(packColumns([['a', null], ['', 'x']])).toEqual({
      separator: '\u001e',
      nullMarker: '\u001fN',
      columns: ['a\u001e\u001fN\u001e', '\u001ex\u001e'],
    });
    const crafted = packColumns([['\u001e\u001f\u001d\u001c', '\u001fN', '\u001dN', '\u001cN']]);
    expect(crafted.separator).toMatch(/^\u001e[0-9a-z]+\u001e$/);
    expect(['\u001fN', '\u001dN', '\u001cN']).not.toContain(crafted.nullMarker);
  });
});

describe.skipIf(!TEST_DATABASE_URL)(`packColumns read back by string_to_array${POSTGRES_SKIP_NOTE}`, () => {
  const sql = TEST_DATABASE_URL ? postgres(TEST_DATABASE_URL, { max: 1 }) : undefined;
  afterAll(async () => {
    await sql?.end({ timeout: 1 });
  });
  const roundTrip = async (values: (string | null)[]) => {
    const packed = packColumns([values]);
    // Rows, not an array result: the driver's text[] parser reads a NULL element as "NULL".
    const rows = await (sql as postgres.Sql)<{ value: string | null }[]>`
      SELECT value FROM unnest((string_to_array(${packed.columns[0] as string}, ${packed.separator}, ${packed.nullMarker}))[1:${values.length}])
        WITH ORDINALITY AS t(value, position) ORDER BY position`;
    return rows.map((row) => row.value);
  };

  it.each([
    ['no value', []],
    ['one empty string (string_to_array of "" alone is an empty array)', ['']],
    ['one NULL', [null]],
    ['quotes, backslashes, braces, commas and JSON', ['a"b', 'c\\d', '{x,y}', '{"k":"v\\"w"}', 'NULL', '']],
    ['a value holding the usual separator', ['a\u001eb', null, 'c']],
    ['values holding every candidate separator and marker', ['\u001e\u001f\u001d\u001c', '\u001fN', '\u001dN', null, '']],
    ['non-ASCII text', ['é', '日本', '🙂']],
  ])('%s', async (_, values) => {
    expect(await roundTrip(values)).toEqual(values);
  });

  it('stores U+0000, which PostgreSQL text cannot hold, as U+FFFD', async () => {
    expect(await roundTrip(['a\u0000b', '\u0000'])).toEqual(['a\uFFFDb', '\uFFFD']);
  });
});
