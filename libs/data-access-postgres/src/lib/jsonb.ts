/**
 * JSON text that Postgres `jsonb` accepts. jsonb refuses two things JSON itself allows: the NUL
 * character (`\u0000`) and half a UTF-16 surrogate pair (`\ud800` alone). Both reach us from
 * outside — a provider's answer cut inside an emoji, a stream interrupted mid-character — and a
 * refused write must not leave a job unanswered, so strings are made storable: lone surrogates
 * become U+FFFD (`toWellFormed`), NUL becomes U+FFFD too.
 */
export function toJsonb(value: unknown): string {
  const json = JSON.stringify(value);
  // JSON.stringify writes NUL and lone surrogates as `\u` escapes (a whole pair is written as is):
  // without such an escape there is nothing to mend, and every job result passes here.
  return /\\u(?:0000|d[89a-f])/i.test(json)
    ? JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? storableText(v) : v))
    : json;
}

/** A string jsonb and `text` columns accept (see {@link toJsonb}). */
export function storableText(s: string): string {
  const wellFormed = s.isWellFormed() ? s : s.toWellFormed();
  return wellFormed.includes('\u0000') ? wellFormed.replaceAll('\u0000', '\uFFFD') : wellFormed;
}
