/** Injection token of {@link ConsoleOptions}. */
export const CONSOLE_OPTIONS = Symbol('CONSOLE_OPTIONS');

export interface ConsoleOptions {
  /**
   * The Jaeger UI (e.g. `http://127.0.0.1:16686`) when tracing is on: the why view links to the
   * traces of its request. Unset: no link.
   */
  traceUiUrl?: string;
}

/** The service whose lookup span carries `deja.request_id` (the embedding-service's `deja.cache.lookup`). */
const LOOKUP_SERVICE = 'deja-embedding-service';

/** Jaeger's search for the traces of one request, by the request id its lookup span carries. */
export function traceSearchUrl(traceUiUrl: string, requestId: string): string {
  const url = new URL('search', traceUiUrl.endsWith('/') ? traceUiUrl : `${traceUiUrl}/`);
  url.searchParams.set('service', LOOKUP_SERVICE);
  url.searchParams.set('tags', JSON.stringify({ 'deja.request_id': requestId }));
  return url.toString();
}
