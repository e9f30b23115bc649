/**
 * The console's only way to the gateway: the key travels in the Authorization header, kept in
 * sessionStorage (gone when the tab closes), never in a URL.
 */
const KEY = 'deja.console.key';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  save: (key) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

/** An error answer of the gateway: its status, message and field issues. */
export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.issues = error?.issues ?? [];
  }
  /** The message of the issue about `field`, if any. */
  issue(field) {
    return this.issues.find((i) => i.path === field)?.message;
  }
}

/** Calls `/v1/console/<path>`; `query` values that are empty are left out. */
export async function api(path, { method = 'GET', query = {}, body } = {}) {
  const params = new URLSearchParams(
    Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
  const url = `/v1/console/${path}${params.size > 0 ? `?${params}` : ''}`;
  const headers = { authorization: `Bearer ${session.key() ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, data.error);
  return data;
}
