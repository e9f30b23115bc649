import { StreamPauses } from './stream-pauses';

describe('StreamPauses', () => {
  it('pauses the first matching stream halfway and holds it until released', async () => {
    const pauses = new StreamPauses();
    pauses.arm('[hold-1]');
    expect(pauses.take('no marker here', 10)).toBeUndefined();
    const pause = pauses.take('question [hold-1]', 10)!;
    expect(pause.atToken).toBe(5);
    expect(pauses.list()[0]!.state).toBe('streaming');
    expect(pauses.take('question [hold-1] again', 10)).toBeUndefined();
    let done = false;
    const held = pause.hold(5, new AbortController().signal).then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    expect([done, pauses.list()[0]]).toEqual([
      false,
      { contains: '[hold-1]', state: 'holding', sent_tokens: 5, total_tokens: 10, then: 'finish' },
    ]);
    expect(pauses.release('[hold-1]')).toBe(true);
    await held;
    expect(pauses.list()[0]!.state).toBe('released');
  });

  it('lets a held stream go when its client goes away', async () => {
    const pauses = new StreamPauses();
    pauses.arm('x');
    const controller = new AbortController();
    const held = pauses.take('x', 1)!.hold(1, controller.signal);
    controller.abort();
    await expect(held).resolves.toBeUndefined();
  });
});
