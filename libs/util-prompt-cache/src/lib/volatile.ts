/**
 * Detection of content that changes from request to request inside the part of a prompt that
 * providers cache (system prompt, tools, caller-marked cacheable blocks). A provider cache is a
 * byte-exact prefix match: one timestamp or request id near the start silently turns every call
 * into a cache miss. Detection is heuristic; it errs towards saying so.
 */

/** One stretch of text of the cacheable prefix, named for the warning. */
export interface PrefixSegment {
  /** Human-readable location, e.g. `system prompt` or `tool "search"`. */
  readonly where: string;
  readonly text: string;
}

/** One volatile match. `index` is the character offset inside its segment. */
export interface VolatileFinding {
  readonly where: string;
  readonly index: number;
  readonly kind: string;
  readonly match: string;
}

interface Detector {
  readonly kind: string;
  readonly pattern: RegExp;
  /** Extra check on a match, for patterns that would otherwise flag ordinary text. */
  readonly accept?: (match: string) => boolean;
}

const EPOCH_MIN_S = 946_684_800; // 2000-01-01
const EPOCH_MAX_S = 4_102_444_800; // 2100-01-01

/**
 * Ordered: earlier detectors win where matches overlap (a UUID is not also reported as hex).
 * Plain dates without a time are not flagged: they change once a day, which a 5-minute or
 * 1-hour cache tolerates.
 */
const DETECTORS: readonly Detector[] = [
  {
    kind: 'ISO timestamp',
    pattern: /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b/g,
  },
  {
    kind: 'date with time',
    pattern:
      /\b(?:\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? \d{4}|\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]* \d{4}),? (?:at )?\d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp][Mm])?\b/g,
  },
  { kind: 'time of day with seconds', pattern: /\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g },
  { kind: 'UUID', pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi },
  {
    kind: 'request id',
    pattern:
      /\b(?:request|req|trace|span|correlation|session|message|msg|run)[ _-]?id\s*[:=]\s*["']?[A-Za-z0-9._:-]{6,}/gi,
  },
  { kind: 'request id', pattern: /\b(?:req|msg|chatcmpl|run|trace|sess)_[A-Za-z0-9]{8,}\b/g },
  {
    kind: 'Unix timestamp',
    pattern: /\b\d{10}(?:\d{3})?\b/g,
    accept: (m) => {
      const seconds = m.length === 13 ? Number(m) / 1000 : Number(m);
      return seconds >= EPOCH_MIN_S && seconds <= EPOCH_MAX_S;
    },
  },
  { kind: 'long hex token', pattern: /\b[0-9a-f]{16,}\b/gi, accept: (m) => /\d/.test(m) && /[a-f]/i.test(m) },
  {
    kind: 'nonce-like token',
    pattern: /[A-Za-z0-9+/_-]{20,}={0,2}/g,
    accept: (m) => /\d/.test(m) && /[a-z]/.test(m) && /[A-Z]/.test(m),
  },
];

/** Finds volatile content in each segment, in text order, without overlapping matches. */
export function findVolatileContent(segments: readonly PrefixSegment[]): VolatileFinding[] {
  const findings: VolatileFinding[] = [];
  for (const segment of segments) {
    const taken: Array<[number, number]> = [];
    const local: VolatileFinding[] = [];
    for (const detector of DETECTORS) {
      for (const m of segment.text.matchAll(detector.pattern)) {
        const start = m.index ?? 0;
        const end = start + m[0].length;
        if (detector.accept && !detector.accept(m[0])) continue;
        if (taken.some(([s, e]) => start < e && end > s)) continue;
        taken.push([start, end]);
        local.push({ where: segment.where, index: start, kind: detector.kind, match: m[0] });
      }
    }
    findings.push(...local.sort((a, b) => a.index - b.index));
  }
  return findings;
}

/** Shows only the start of a match: warnings travel to users and logs, and ids may be secrets. */
function excerpt(match: string): string {
  const SHOWN = 8;
  return match.length > SHOWN ? `${match.slice(0, SHOWN)}…` : match;
}

/** The warning for one finding, e.g. `volatile content in system prompt at char 120: ISO timestamp "2026-11-…" breaks prompt caching`. */
export function volatileWarning(f: VolatileFinding): string {
  return `volatile content in ${f.where} at char ${f.index}: ${f.kind} "${excerpt(f.match)}" breaks prompt caching`;
}

/**
 * Warnings for the volatile content of a cacheable prefix, at most `limit` of them (the last
 * one says how many more were found), so a prompt full of ids cannot flood a completion.
 */
export function volatileWarnings(segments: readonly PrefixSegment[], limit = 5): string[] {
  const findings = findVolatileContent(segments);
  const shown = findings.slice(0, limit).map(volatileWarning);
  if (findings.length > limit) shown.push(`volatile content: ${findings.length - limit} more finding(s) not listed`);
  return shown;
}
