/** One cached prefix. Times are clock milliseconds. */
export interface CacheEntry {
  readonly createdAt: number;
  /** The provider makes an entry usable only once the response that wrote it has started. */
  availableAt: number;
  expiresAt: number;
  ttlMs: number;
  readonly maxAgeMs: number;
  readonly tokens: number;
}

export interface PutOptions {
  ttlMs: number;
  maxAgeMs: number;
  availableAt: number;
  tokens: number;
}

/**
 * Bounded map of prefix key → entry with sliding lifetimes. Keys are opaque (the callers hash
 * scope + prefix). Least recently used entries are evicted first when full.
 */
export class PrefixCacheStore {
  private readonly entries = new Map<string, CacheEntry>();

  constructor(private readonly maxEntries: number) {}

  /** The live, already available entry under `key`, or undefined (expired entries are dropped). */
  lookup(key: string, now: number): CacheEntry | undefined {
    const entry = this.live(key, now);
    return entry && entry.availableAt <= now ? entry : undefined;
  }

  /** A hit: the lifetime starts again from `now` (capped by the entry's maximum age). */
  touch(key: string, now: number): void {
    const entry = this.live(key, now);
    if (!entry) return;
    entry.expiresAt = Math.min(entry.createdAt + entry.maxAgeMs, Math.max(entry.expiresAt, now + entry.ttlMs));
    this.bump(key, entry);
  }

  /** Writes an entry, or refreshes an existing one (keeping the longer lifetime). */
  put(key: string, options: PutOptions, now: number): void {
    const existing = this.live(key, now);
    if (existing) {
      existing.ttlMs = Math.max(existing.ttlMs, options.ttlMs);
      existing.availableAt = Math.min(existing.availableAt, options.availableAt);
      existing.expiresAt = Math.min(
        existing.createdAt + existing.maxAgeMs,
        Math.max(existing.expiresAt, options.availableAt + options.ttlMs),
      );
      this.bump(key, existing);
      return;
    }
    this.entries.set(key, {
      createdAt: now,
      availableAt: options.availableAt,
      expiresAt: Math.min(now + options.maxAgeMs, options.availableAt + options.ttlMs),
      ttlMs: options.ttlMs,
      maxAgeMs: options.maxAgeMs,
      tokens: options.tokens,
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** Number of live entries at `now`. */
  size(now: number): number {
    let n = 0;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) n++;
      else this.entries.delete(key);
    }
    return n;
  }

  clear(): void {
    this.entries.clear();
  }

  private live(key: string, now: number): CacheEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private bump(key: string, entry: CacheEntry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
  }
}
