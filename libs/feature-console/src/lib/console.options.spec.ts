import { traceSearchUrl } from './console.options';

describe('trace link', () => {
  it('searches the lookup service by the request id tag, with or without a trailing slash', () => {
    const url = new URL(traceSearchUrl('http://127.0.0.1:16686', 'job-1'));
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:16686/search');
    expect(url.searchParams.get('service')).toBe('deja-embedding-service');
    expect(JSON.parse(url.searchParams.get('tags')!)).toEqual({ 'deja.request_id': 'job-1' });
    expect(traceSearchUrl('http://jaeger:16686/', 'x')).toBe(traceSearchUrl('http://jaeger:16686', 'x'));
  });

  it('keeps a Jaeger UI under a path prefix', () => {
    expect(traceSearchUrl('https://ops.example.com/jaeger', 'x')).toMatch(
      /^https:\/\/ops\.example\.com\/jaeger\/search\?/,
    );
  });
});
