import fc from 'fast-check';
import type { PrefixBlock } from './breakpoints';
import { planBreakpoints } from './breakpoints';

const opts = { minCacheableTokens: 1024, maxBreakpoints: 4, longTtlForStatic: false };
const tool = (tokens: number): PrefixBlock => ({ section: 'tools', tokens });
const sys = (tokens: number, extra: Partial<PrefixBlock> = {}): PrefixBlock => ({
  section: 'system',
  tokens,
  ...extra,
});
const msg = (tokens: number, extra: Partial<PrefixBlock> = {}): PrefixBlock => ({
  section: 'messages',
  tokens,
  ...extra,
});

describe('planBreakpoints', () => {
  it('marks the last tool and the last system block when their prefixes reach the minimum', () => {
    const plan = planBreakpoints([tool(600), tool(600), sys(200), sys(300), msg(20)], opts);
    expect(plan.breakpoints.map((b) => [b.index, b.reason])).toEqual([
      [1, 'tools'],
      [3, 'system'],
    ]);
  });

  it('places no breakpoint where the cumulative prefix is below the model minimum', () => {
    const plan = planBreakpoints([tool(100), sys(500), msg(300), msg(20)], { ...opts, conversationPrefixEnd: 2 });
    expect(plan.breakpoints).toEqual([]);
  });

  it('counts the prefix cumulatively: a small system block after large tools is eligible', () => {
    const plan = planBreakpoints([tool(900), sys(200), msg(10)], opts);
    expect(plan.breakpoints.map((b) => b.reason)).toEqual(['system']);
  });

  it('marks the stable conversation prefix and large cacheable context blocks', () => {
    const blocks = [sys(1100), msg(3000, { cacheable: true }), msg(50), msg(40), msg(30)];
    const plan = planBreakpoints(blocks, { ...opts, conversationPrefixEnd: 3 });
    expect(plan.breakpoints.map((b) => [b.index, b.reason])).toEqual([
      [0, 'system'],
      [1, 'cacheable'],
      [3, 'conversation'],
    ]);
  });

  it('keeps caller breakpoints and fills only the remaining slots', () => {
    const blocks = [
      tool(2000),
      sys(2000),
      msg(10, { callerTtl: '5m' }),
      msg(10, { callerTtl: '5m' }),
      msg(10, { callerTtl: '5m' }),
      msg(10),
    ];
    const plan = planBreakpoints(blocks, { ...opts, conversationPrefixEnd: 4 });
    expect(plan.breakpoints.filter((b) => b.reason === 'caller').map((b) => b.index)).toEqual([2, 3, 4]);
    expect(plan.breakpoints).toHaveLength(4);
    expect(plan.breakpoints.find((b) => b.reason !== 'caller')?.reason).toBe('system');
  });

  it('keeps caller-marked cacheable blocks first when they compete with automatic breakpoints', () => {
    const blocks = [
      tool(2000),
      sys(100),
      ...Array.from({ length: 4 }, () => msg(500, { cacheable: true })),
      msg(10),
      msg(10),
    ];
    const plan = planBreakpoints(blocks, { ...opts, conversationPrefixEnd: 6 });
    expect(plan.breakpoints.map((b) => b.reason)).toEqual(['cacheable', 'cacheable', 'cacheable', 'cacheable']);
  });

  it('never exceeds 4 breakpoints even when the caller sent more, and says so', () => {
    const blocks = Array.from({ length: 6 }, () => msg(2000, { callerTtl: '5m' }));
    const plan = planBreakpoints(blocks, opts);
    expect(plan.breakpoints.map((b) => b.index)).toEqual([0, 1, 2, 3]);
    expect(plan.warnings[0]).toMatch(/6 cache_control breakpoints given/);
  });

  it('gives tools and system the 1-hour lifetime when configured, before the 5-minute ones', () => {
    const plan = planBreakpoints([tool(1500), sys(1500), msg(2000), msg(10)], {
      ...opts,
      longTtlForStatic: true,
      conversationPrefixEnd: 2,
    });
    expect(plan.breakpoints.map((b) => b.ttl)).toEqual(['1h', '1h', '5m']);
  });

  it('downgrades an automatic 1-hour breakpoint that would follow a caller 5-minute one', () => {
    const plan = planBreakpoints([sys(1500, { callerTtl: '5m' }), sys(100)], { ...opts, longTtlForStatic: true });
    expect(plan.breakpoints.map((b) => [b.reason, b.ttl])).toEqual([
      ['caller', '5m'],
      ['system', '5m'],
    ]);
  });

  it('upgrades automatic breakpoints before a caller 1-hour one', () => {
    const plan = planBreakpoints([tool(1500), sys(100, { callerTtl: '1h' })], opts);
    expect(plan.breakpoints.map((b) => [b.reason, b.ttl])).toEqual([
      ['tools', '1h'],
      ['caller', '1h'],
    ]);
  });

  it('holds for any prompt: at most 4, minimum respected, 1h never after 5m, caller breakpoints kept', () => {
    const block = fc.record({
      section: fc.constantFrom('tools', 'system', 'messages') as fc.Arbitrary<PrefixBlock['section']>,
      tokens: fc.integer({ min: 0, max: 3000 }),
      cacheable: fc.boolean(),
      callerTtl: fc.option(fc.constantFrom('5m', '1h') as fc.Arbitrary<'5m' | '1h'>, { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(block, { maxLength: 30 }), fc.boolean(), fc.nat(40), (raw, longTtl, conv) => {
        // Sections in provider order, caller TTLs in a valid order (1h ones first).
        const order = { tools: 0, system: 1, messages: 2 };
        let seen5m = false;
        const blocks = [...raw]
          .sort((a, b) => order[a.section] - order[b.section])
          .map((b) => {
            if (b.callerTtl === '5m') seen5m = true;
            return seen5m && b.callerTtl === '1h' ? { ...b, callerTtl: '5m' as const } : b;
          });
        const plan = planBreakpoints(blocks, { ...opts, longTtlForStatic: longTtl, conversationPrefixEnd: conv });
        expect(plan.breakpoints.length).toBeLessThanOrEqual(4);
        const callers = blocks
          .map((b, i) => (b.callerTtl ? i : -1))
          .filter((i) => i >= 0)
          .slice(0, 4);
        expect(plan.breakpoints.filter((b) => b.reason === 'caller').map((b) => b.index)).toEqual(callers);
        for (const b of plan.breakpoints) {
          if (b.reason !== 'caller') expect(plan.cumulativeTokens[b.index]).toBeGreaterThanOrEqual(1024);
        }
        const ttls = plan.breakpoints.map((b) => b.ttl).join(',');
        expect(ttls).not.toMatch(/5m.*1h/);
      }),
    );
  });
});
