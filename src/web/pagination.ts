/** Keyset page, newest first: `before` is the (created_at, id) of the last row already shown. */
export interface Cursor {
  createdAt: Date;
  id: number;
}

/** Keyset cursors travel as "<epoch-milliseconds>_<id>": opaque to users, exact to the row. */
export function encodeCursor(row: { created_at: Date; id: number }): string {
  return `${row.created_at.getTime()}_${row.id}`;
}

export function decodeCursor(value: unknown): Cursor | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{1,15})_(\d{1,18})$/.exec(value);
  if (!m) return undefined;
  return { createdAt: new Date(Number(m[1])), id: Number(m[2]) };
}

/** Fetch one more than a page to know whether an "older" link is needed. */
export function page<T extends { created_at: Date; id: number }>(rows: T[], limit: number) {
  return pageBy(rows, limit, (row) => row);
}

/** The same, for a list ordered by another (time, id) pair than the row's own (when it was liked). */
export function pageBy<T>(rows: T[], limit: number, keyOf: (row: T) => { created_at: Date; id: number }) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next: rows.length > limit && last ? encodeCursor(keyOf(last)) : undefined };
}
