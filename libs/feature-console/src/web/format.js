/** Display helpers: numbers and times as people read them. */
export const pct = (v) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)} %`);
export const num = (v, digits = 4) => (v === null || v === undefined ? '—' : String(Number(v.toFixed(digits))));
export const usd = (v) => (v === null || v === undefined ? '—' : `$${Number(v).toFixed(v >= 1 ? 2 : 5)}`);
export const ms = (v) => (v === null || v === undefined ? '—' : `${Math.round(v)} ms`);
export const time = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const units = [
    ['d', 86400],
    ['h', 3600],
    ['min', 60],
  ];
  for (const [unit, size] of units) if (seconds >= size) return `${Math.floor(seconds / size)} ${unit}`;
  return `${seconds} s`;
}
