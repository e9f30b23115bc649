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
  const settle = () => new Promise((r) => setImmediate(r));

  it('hands a freed slot to the tenant that waited longest, one turn per tenant per round', async () => {
    const slots = new FairSlots(2);
    const order: string[] = [];
    await slots.acquire('flood');
    await slots.acquire('flood'); // both regular slots held by one tenant
    const waits = [
      ['flood', 'f1'],
      ['flood', 'f2'],
      ['other', 'o1'],
      ['third', 't1'],
    ].map(([tenant, name]) => slots.acquire(tenant!).then(() => order.push(name!)));
    await settle();
    // The slot kept for a tenant running none: the other tenant does not wait for the flood.
    expect(order).toEqual(['o1']);
    slots.release('other');
    await settle();
    expect(order).toEqual(['o1', 't1']);
    slots.release('flood');
    slots.release('flood');
    slots.release('third');
    await settle();
    await Promise.all(waits);
    expect(order).toEqual(['o1', 't1', 'f1', 'f2']);
  });

  it('runs exactly `limit` handlers for a single tenant', async () => {
    const slots = new FairSlots(3);
    let running = 0;
    const taken = Array.from({ length: 5 }, () => slots.acquire('only').then(() => running++));
    await settle();
    expect(running).toBe(3);
    slots.release('only');
    await settle();
    expect(running).toBe(4);
    slots.release('only');
    await Promise.all(taken);
  });
});
