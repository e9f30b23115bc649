/**
 * What a failed Postgres call means for the caller — the one place that reads pg's and Node's
 * error codes (SQLSTATE: https://www.postgresql.org/docs/current/errcodes-appendix.html):
 * - `unavailable`: the database could not be reached or dropped the connection; it may come back
 *   (degrade, or retry later);
 * - `transient`: the statement lost a race (deadlock, serialisation failure, lock timeout); the
 *   same transaction run again can succeed at once;
 * - `data`: the data itself cannot be stored (SQLSTATE class 22: a NUL character, a lone
 *   surrogate, a value out of range; 54001: JSON nested too deep); no retry can help — the
 *   caller's mistake;
 * - `other`: anything else (a bug, a constraint): neither retried nor blamed on the caller.
 */
export type PostgresErrorKind = 'unavailable' | 'transient' | 'data' | 'other';

const UNAVAILABLE_CODE = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|57P01|57P02|57P03|08\w{3}|53300)$/;
/** pg-pool and pg report some connection failures by message only. */
const UNAVAILABLE_MESSAGE = /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i;
const TRANSIENT_CODES = new Set(['40P01', '40001', '55P03']);

export function classifyPostgresError(error: unknown): PostgresErrorKind {
  if (typeof error !== 'object' || error === null) return 'other';
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (UNAVAILABLE_CODE.test(code)) return 'unavailable';
    if (TRANSIENT_CODES.has(code)) return 'transient';
    if (code.startsWith('22') || code === '54001') return 'data';
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return 'unavailable';
  return 'other';
}
