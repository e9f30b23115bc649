import { FaultInjector } from './faults';

describe('FaultInjector', () => {
  it('never injects at rate 0 and always at rate 1', () => {
    const never = new FaultInjector(0, ['429'], 's');
    const always = new FaultInjector(1, ['500'], 's');
    for (let i = 0; i < 50; i++) {
      expect(never.pick()).toBeUndefined();
      expect(always.pick()).toBe('500');
    }
  });

  it('repeats the same sequence for the same seed', () => {
    const run = () => {
      const f = new FaultInjector(0.3, ['429', '500', '529'], 'seed-1');
      return Array.from({ length: 100 }, () => f.pick() ?? '-');
    };
    expect(run()).toEqual(run());
  });

  it('injects at roughly the configured rate, spread over the kinds', () => {
    const f = new FaultInjector(0.2, ['429', '529'], 'seed-2');
    const picks = Array.from({ length: 5000 }, () => f.pick());
    const faults = picks.filter(Boolean);
    expect(faults.length / picks.length).toBeGreaterThan(0.17);
    expect(faults.length / picks.length).toBeLessThan(0.23);
    expect(new Set(faults)).toEqual(new Set(['429', '529']));
  });

  it('lets the x-sim-fault header override without shifting the seeded sequence', () => {
    const a = new FaultInjector(0.5, ['429'], 'seed-3');
    const b = new FaultInjector(0.5, ['429'], 'seed-3');
    expect(a.pick('timeout')).toBe('timeout');
    b.pick();
    expect(Array.from({ length: 20 }, () => a.pick())).toEqual(Array.from({ length: 20 }, () => b.pick()));
  });

  it('rejects an unknown header value and accepts "none"', () => {
    const f = new FaultInjector(1, ['500']);
    expect(() => f.pick('418')).toThrow(/unknown fault/);
    expect(f.pick('none')).toBeUndefined();
  });
});
