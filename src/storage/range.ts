import parseRange from 'range-parser';

/** What a `Range` header asks of an object of `size` bytes. */
export type ByteRange =
  | { kind: 'whole' }
  | { kind: 'part'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/**
 * One byte range for a streaming response (players ask for one; several would need
 * multipart/byteranges, so they are combined and the first served). A malformed header is
 * ignored (RFC 9110 §14.2). A suffix longer than the object (`bytes=-N`, N > size) selects
 * the whole object (§14.1.2), which range-parser would call unsatisfiable.
 */
export function byteRange(header: string | undefined, size: number): ByteRange {
  if (!header) return { kind: 'whole' };
  const suffix = /^bytes=\s*-\s*(\d+)\s*$/i.exec(header);
  if (suffix && size > 0 && Number(suffix[1]) >= size) return { kind: 'part', start: 0, end: size - 1 };
  const ranges = parseRange(size, header, { combine: true });
  if (ranges === -1) return { kind: 'unsatisfiable' };
  const first = ranges === -2 || ranges.type !== 'bytes' ? undefined : ranges[0];
  return first ? { kind: 'part', start: first.start, end: first.end } : { kind: 'whole' };
}
