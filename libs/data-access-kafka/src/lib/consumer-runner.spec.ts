import { FairSlots, PartitionOffsets } from './consumer-runner';

describe('PartitionOffsets', () => {
  it('commits up to the first offset not done, in order, never backwards', async () => {
    const offsets = new PartitionOffsets();
    for (const o of ['5', '6', '7', '8']) offsets.accept(o);
    const sent: string[] = [];
    const send = async (o: string) => void sent.push(o);
    // Another tenant's later messages finish first: nothing can be committed past 5.
    offsets.done('7');
    offsets.done('6');
    await offsets.commit(send);
    expect(offsets.next()).toBe(5n);
    offsets.done('5');
    await offsets.commit(send);
    offsets.done('8');
    await Promise.all([offsets.commit(send), offsets.commit(send)]);
    expect(sent).toEqual(['5', '8', '9']);
  });

  it('keeps a failed commit from throwing and still commits later offsets', async () => {
    const offsets = new PartitionOffsets();
    offsets.accept('0');
    offsets.accept('1');
    offsets.done('0');
    await expect(offsets.commit(async () => Promise.reject(new Error('rebalanced')))).resolves.toBeUndefined();
    offsets.done('1');
    const sent: string[] = [];
    await offsets.commit(async (o) => void sent.push(o));
    expect(sent).toEqual(['2']);
  });
});

describe('FairSlots', () => {
  it('hands a freed slot to the tenant that waited longest, one turn per tenant per round', async () => {
    const slots = new FairSlots();
    const order: string[] = [];
    await slots.acquire(1, 'flood'); // running
    const waits = [
      ['flood', 'f1'],
      ['flood', 'f2'],
      ['flood', 'f3'],
      ['other', 'o1'],
    ].map(([tenant, name]) => slots.acquire(1, tenant!).then(() => order.push(name!)));
    for (let i = 0; i < 4; i++) {
      slots.release();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(waits);
    // Before: first come, first served — the other tenant's one message came after the flood's three.
    expect(order).toEqual(['f1', 'o1', 'f2', 'f3']);
  });
});
