import { jsonDepthExceeds } from './json-body';

describe('jsonDepthExceeds', () => {
  const objects = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  const lists = (n: number) => '['.repeat(n) + ']'.repeat(n);

  it('counts objects and lists, mixed, up to the limit included', () => {
    expect(jsonDepthExceeds(objects(32), 32)).toBe(false);
    expect(jsonDepthExceeds(objects(33), 32)).toBe(true);
    expect(jsonDepthExceeds(lists(33), 32)).toBe(true);
    expect(jsonDepthExceeds('[{"a":[{"b":[]}]}]', 5)).toBe(false);
    expect(jsonDepthExceeds('[{"a":[{"b":[]}]}]', 4)).toBe(true);
  });

  it('measures depth, not the number of brackets', () => {
    expect(jsonDepthExceeds('[' + Array(10_000).fill('{}').join(',') + ']', 2)).toBe(false);
  });

  it('ignores brackets in strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(JSON.stringify({ t: '{'.repeat(100) + '"\\' + '['.repeat(100) }), 1)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ t: '\\' }) + '[[', 1)).toBe(true);
  });

  // Its speed is not timed here (a loaded CI machine made that flaky): the hostile-input suite
  // sends the 50k-deep body to the real API. This checks the scan does not recurse.
  it('reads 50 000 levels and a megabyte string without recursing', () => {
    expect(jsonDepthExceeds(objects(50_000), 32)).toBe(true);
    expect(jsonDepthExceeds(objects(50_000), 50_000)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ t: 'x'.repeat(1_000_000) }), 32)).toBe(false);
  });
});
