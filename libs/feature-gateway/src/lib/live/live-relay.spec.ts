import type { ChunkV1 } from '@deja/contracts';
import { LiveRelay } from './live-relay';

const chunk = (seq: number, delta: string, stream_id = 'a'): ChunkV1 => ({
  request_id: 'r',
  tenant: 't',
  stream_id,
  outcome: 'miss',
  seq,
  delta,
});

describe('LiveRelay', () => {
  it('passes one attempt’s chunks on in sequence and drops repeats from redelivery', () => {
    const relay = new LiveRelay();
    expect(
      [chunk(0, 'He'), chunk(1, 'llo'), chunk(1, 'llo'), chunk(0, 'He'), chunk(2, '!')].map((c) => relay.accept(c)),
    ).toEqual(['He', 'llo', '', '', '!']);
    expect(relay.sent).toBe('Hello!');
    expect(relay.broken).toBeNull();
  });

  it('stops at a gap and sends nothing more, even when the missing chunk comes later', () => {
    const relay = new LiveRelay();
    relay.accept(chunk(0, 'a'));
    expect(relay.accept(chunk(2, 'c'))).toBe('');
    expect(relay.accept(chunk(1, 'b'))).toBe('');
    expect([relay.broken, relay.sent]).toEqual(['gap', 'a']);
  });

  it('stops at a chunk of another attempt: a retry’s text is never spliced into the first one’s', () => {
    const relay = new LiveRelay();
    relay.accept(chunk(0, 'Paris is', 'a'));
    expect(relay.accept(chunk(0, 'The capital', 'b'))).toBe('');
    expect(relay.broken).toBe('other_attempt');
  });

  it('sends nothing of a stream it joined after its beginning', () => {
    const relay = new LiveRelay();
    expect(relay.accept(chunk(3, 'late'))).toBe('');
    expect(relay.broken).toBe('joined_late');
  });

  it('continues with the rest of the finished answer only when it begins with the text sent', () => {
    const relay = new LiveRelay();
    relay.accept(chunk(0, 'Hello'));
    expect(relay.rest('Hello, world')).toBe(', world');
    expect(relay.rest('Goodbye')).toBeNull();
  });
});
