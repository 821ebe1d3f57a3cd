import { describe, expect, it } from 'vitest';
import { sliceBatchItems } from './slice-batch-items.js';

/** Checks the slices against what JSON.parse made of the same text. */
function expectSlicesMatchParse(text: string): string[] {
  const items = sliceBatchItems(text);
  const parsed = (JSON.parse(text) as { batch: unknown[] }).batch;
  expect(items).toHaveLength(parsed.length);
  items?.forEach((item, i) => expect(JSON.parse(item)).toEqual(parsed[i]));
  return items ?? [];
}

describe('sliceBatchItems', () => {
  it('gives each element of batch as written, whitespace inside kept, around it dropped', () => {
    const text = ' {\n "writeKey" : "k",\n "batch" : [ {"event":"A"} ,\n\t{ "event" : "B", "n": 1.50 }, 7, "x", null, true, [1,[2]] ] , "sentAt":"t" }\n';
    expect(expectSlicesMatchParse(text)).toEqual(['{"event":"A"}', '{ "event" : "B", "n": 1.50 }', '7', '"x"', 'null', 'true', '[1,[2]]']);
  });

  it('is JSON.stringify of each event for a body made by JSON.stringify', () => {
    const batch = [{ type: 'track', event: 'Ü "quoted" \\ back\\slash \n', properties: { a: [1, { b: '}]' }], e: 1e21 } }, {}, []];
    const items = expectSlicesMatchParse(JSON.stringify({ writeKey: 'k', batch, sentAt: 'x' }));
    expect(items).toEqual(batch.map((event) => JSON.stringify(event)));
  });

  it('handles escapes that end in backslashes and strings full of brackets and quotes', () => {
    const text = String.raw`{"batch":[{"a":"\\","b":"\\\"]}","c":"\u0022,"},{"d":"[{\"x\":1}]"}]}`;
    expect(expectSlicesMatchParse(text)).toEqual([String.raw`{"a":"\\","b":"\\\"]}","c":"\u0022,"}`, String.raw`{"d":"[{\"x\":1}]"}`]);
  });

  it('takes the last batch key, as JSON.parse does, and one spelt with escapes', () => {
    expect(expectSlicesMatchParse('{"batch":[{"first":1}],"other":{"batch":[0]},"batch":[{"last":2}]}')).toEqual(['{"last":2}']);
    expect(expectSlicesMatchParse('{"b\\u0061tch":[{"escaped":true}]}')).toEqual(['{"escaped":true}']);
  });

  it('skips batch keys nested in other values', () => {
    expect(sliceBatchItems('{"context":{"batch":[1,2]},"events":[{"batch":[3]}]}')).toBeUndefined();
  });

  it('is undefined when batch is not an array or the body not an object', () => {
    expect(sliceBatchItems('{"batch":{"0":{}}}')).toBeUndefined();
    expect(sliceBatchItems('{"batch":"[]","x":1}')).toBeUndefined();
    expect(sliceBatchItems('[{"batch":[]}]')).toBeUndefined();
    expect(sliceBatchItems('{"batch":[1],"batch":null}')).toBeUndefined();
    expect(sliceBatchItems('{"batch":[]}')).toEqual([]);
    expect(sliceBatchItems('{}')).toBeUndefined();
  });

  it('scans nesting far deeper than a recursive scanner could', () => {
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    expect(sliceBatchItems(`{"batch":[{"p":${deep}},{"q":1}]}`)).toEqual([`{"p":${deep}}`, '{"q":1}']);
  });

  it('stops at the end of text JSON.parse would refuse instead of looping', () => {
    expect(sliceBatchItems('{"batch":[{"a":"unterminated')).toEqual(['{"a":"unterminated']);
    expect(sliceBatchItems('{"batch":[[[')).toEqual(['[[']);
    expect(sliceBatchItems('{"batch":[1')).toEqual(['1']);
  });

  it('with maxItems, stops at the first batch array over it, even one a later key replaces', () => {
    expect(sliceBatchItems('{"batch":[0,1,2]}', 3)).toEqual(['0', '1', '2']);
    expect(sliceBatchItems('{"batch":[0,1,2,3,4,5]}', 3)).toEqual(['0', '1', '2', '3']);
    // JSON.parse would build the first array before the second replaced it: it counts too.
    expect(sliceBatchItems('{"batch":[{},{},{}],"batch":[]}', 2)).toHaveLength(3);
    expect(sliceBatchItems(`{"batch":[${'0,'.repeat(250_000)}0]}`, 2_500)).toHaveLength(2_501);
  });
});
