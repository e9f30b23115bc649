/** What a test sees of one pause. */
export interface PauseView {
  /** The text a request's last user message must contain to be paused. */
  contains: string;
  /**
   * `armed`: waiting for a matching stream; `streaming`: one matched and is sending its first
   * half; `holding`: it stopped halfway and waits; `released`.
   */
  state: 'armed' | 'streaming' | 'holding' | 'released';
  /** Output tokens the held stream had sent when it stopped (null before). */
  sent_tokens: number | null;
  /** Output tokens of the held stream's whole answer (null before). */
  total_tokens: number | null;
  /** `cut`: once released, the stream drops its connection instead of finishing (a provider failing mid-answer). */
  then: 'finish' | 'cut';
}

/** A pause a stream has taken: where to stop, and the wait. */
export interface TakenPause {
  /** Stop after this many output tokens. */
  readonly atToken: number;
  /** Once released, drop the connection instead of finishing. */
  readonly thenCut: boolean;
  /** Records the stop and waits until the pause is released (or the client goes away). */
  hold(sentTokens: number, signal: AbortSignal): Promise<void>;
}

interface Entry {
  view: PauseView;
  release: () => void;
  released: Promise<void>;
}

/**
 * Streams that stop halfway until a test lets them go: the way to show, as an ordering fact and
 * not a timing, that a caller received the beginning of an answer before the provider produced
 * its end. A pause is armed for a text; the first streamed answer whose last user message
 * contains it sends half its tokens (at least one) and holds until released.
 */
export class StreamPauses {
  private readonly entries = new Map<string, Entry>();

  arm(contains: string, then: PauseView['then'] = 'finish'): PauseView {
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    const entry: Entry = {
      view: { contains, state: 'armed', sent_tokens: null, total_tokens: null, then },
      release,
      released,
    };
    this.entries.get(contains)?.release();
    this.entries.set(contains, entry);
    return { ...entry.view };
  }

  /** The armed pause for a stream of `totalTokens` whose last user text is `text`, if any (used once). */
  take(text: string | null, totalTokens: number): TakenPause | undefined {
    if (text === null) return undefined;
    const entry = [...this.entries.values()].find((e) => e.view.state === 'armed' && text.includes(e.view.contains));
    if (!entry) return undefined;
    entry.view.state = 'streaming';
    entry.view.total_tokens = totalTokens;
    return {
      atToken: Math.max(1, Math.floor(totalTokens / 2)),
      thenCut: entry.view.then === 'cut',
      hold: (sentTokens, signal) => {
        entry.view.sent_tokens = sentTokens;
        if (entry.view.state === 'streaming') entry.view.state = 'holding';
        return new Promise<void>((resolve) => {
          if (signal.aborted) return resolve();
          signal.addEventListener('abort', () => resolve(), { once: true });
          void entry.released.then(() => resolve());
        });
      },
    };
  }

  /** Lets the stream held for `contains` go on; false when no such pause exists. */
  release(contains: string): boolean {
    const entry = this.entries.get(contains);
    if (!entry) return false;
    entry.view.state = 'released';
    entry.release();
    return true;
  }

  list(): PauseView[] {
    return [...this.entries.values()].map((e) => ({ ...e.view }));
  }
}
