import { sortKeys, stableJson } from './stable-json';

describe('stableJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(stableJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 2 } })).toBe('{"a":{"c":2,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('keeps a "__proto__" key as data', () => {
    const value = JSON.parse('{"__proto__":{"x":1},"a":1}') as Record<string, unknown>;
    expect(stableJson(value)).toBe('{"__proto__":{"x":1},"a":1}');
    expect(Object.getPrototypeOf(sortKeys(value))).toBe(Object.prototype);
  });
});
