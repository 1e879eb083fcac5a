const ORIGIN = 'http://soundhub.invalid';

/**
 * Where to go after signing in: only a path on this site, else `/`. The value is parsed the way
 * a browser would (WHATWG URL: `\` counts as `/`, tabs and newlines are dropped), so `//evil`,
 * `/\evil`, `/\t/evil` and `https://evil` all resolve to another origin and are refused. What
 * is returned is the parsed path itself, so the Location sent is the one that was checked.
 */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.length > 2000) return '/';
  let url: URL;
  try {
    url = new URL(value, ORIGIN);
  } catch {
    return '/';
  }
  if (url.origin !== ORIGIN) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

/** `path` with `?next=` added when there is somewhere to come back to. */
export const withNext = (path: string, next: string) => (next === '/' ? path : `${path}?next=${encodeURIComponent(next)}`);
