import { describe, expect, it } from 'vitest';
import { countContainers } from './count-containers.js';

describe('countContainers', () => {
  it('counts the objects and arrays JSON.parse would build, not brackets inside strings', () => {
    expect(countContainers('{"batch":[{"a":"[{\\"}"},{}],"b":[[],{}]}')).toBe(7);
    expect(countContainers('"{[" ')).toBe(0);
    expect(countContainers('[1,2,"x"]')).toBe(1);
  });

  it('stops just past stopAfter', () => {
    expect(countContainers(`[${'{},'.repeat(170_000)}{}]`, 50_000)).toBe(50_001);
  });

  it('ends on text that is not JSON', () => {
    expect(countContainers('{"unterminated [')).toBe(1);
    expect(countContainers('[[[')).toBe(3);
  });
});
