import { quantile, table } from './report';

describe('quantile', () => {
  it('takes the nearest rank, so p50 of 1..4 is 2 and p99 of 1..100 is 99', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2);
    expect(
      quantile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.99,
      ),
    ).toBe(99);
    expect(quantile([], 0.5)).toBeNull();
  });
});

describe('table', () => {
  it('pads columns to their widest cell and shows null as n/a', () => {
    expect(table(['a', 'bb'], [['xyz', null]]).split('\n')).toEqual(['a     bb', '---  ---', 'xyz  n/a']);
  });
});
