import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/**
 * Pictures drawn from words, for songs without cover art and musicians without an avatar,
 * so no card is blank. The same words always draw the same picture (a hash, no randomness).
 * A picture's URL holds its words (`/drawn/song/<words>.svg`, drawn-routes.ts): no object in S3,
 * nothing to delete, a renamed song gets a new URL at once, and a browser keeps each picture
 * for good. (They were inline data: URLs until the pages were profiled: 60 % of a home page's
 * bytes, sent again on every page and drawn again for every card.)
 */

export type DrawnKind = 'song' | 'avatar' | 'profile';

// The same words draw the same picture, and a page names dozens: drawn once per process.
const drawings = new LRUCache<string, string>({ max: 5000 });
function remembered(key: string, draw: () => string): string {
  let picture = drawings.get(key);
  if (picture === undefined) drawings.set(key, (picture = draw()));
  return picture;
}

/** Bytes of a stable hash of the words; the picture's every choice is read from them. */
function seed(...words: string[]): Buffer {
  return createHash('sha256').update(words.map((w) => w.normalize('NFC').toLowerCase()).join('\u0000')).digest();
}

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Up to `max` lines of about `width` characters, breaking at spaces; the rest ends in "…". */
export function wrapWords(text: string, width: number, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const piece = word.length > width ? `${word.slice(0, width - 1)}…` : word;
    if (line && `${line} ${piece}`.length > width) {
      lines.push(line);
      line = piece;
    } else line = line ? `${line} ${piece}` : piece;
  }
  if (line) lines.push(line);
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  kept[max - 1] = `${kept[max - 1]!.slice(0, width - 1)}…`;
  return kept;
}

/**
 * A song's cover: the genre picks the family of colours (songs of one genre look related),
 * the title picks the shades and the height of the bars of a waveform across it, and the
 * title is written on it.
 */
export const generatedSongCover = (title: string, genre: string) => drawnPictureUrl('song', [title, genre]);

function drawSongCover(title: string, genre: string): string {
  const g = seed(genre);
  const t = seed(title, genre);
  const hue = (g[0]! * 360) / 256;
  const hue2 = (hue + 30 + (t[0]! % 90)) % 360;
  const bars = Array.from({ length: 24 }, (_, i) => {
    const h = 40 + ((t[(i % 28) + 2]! * 180) / 255);
    return `<rect x="${12 + i * 24}" y="${(420 - h / 2).toFixed(1)}" width="14" height="${h.toFixed(1)}" rx="7"/>`;
  }).join('');
  const lines = wrapWords(title, 16, 3);
  const text = lines.map((l, i) => `<tspan x="40" dy="${i === 0 ? 0 : 62}">${escapeXml(l)}</tspan>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 600">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue.toFixed(0)} 70% 42%)"/><stop offset="1" stop-color="hsl(${hue2.toFixed(0)} 75% 22%)"/></linearGradient></defs>
<rect width="600" height="600" fill="url(#g)"/>
<circle cx="${460 + (t[1]! % 80)}" cy="${110 + (t[30]! % 60)}" r="${90 + (t[31]! % 70)}" fill="#fff" opacity=".10"/>
<g fill="#fff" opacity=".28">${bars}</g>
<text x="40" y="${120 - (lines.length - 1) * 20}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="54" font-weight="700" fill="#fff">${text}</text>
<text x="40" y="560" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="26" letter-spacing="3" fill="#fff" opacity=".75">${escapeXml(genre.toUpperCase().slice(0, 24))}</text>
</svg>`;
  return svg;
}

/** One or two letters for a nickname: "dj_shadow" → "DS", "Marta" → "MA", "bob7" → "BO". */
export function initialsOf(nickname: string): string {
  const words = nickname.split(/[\s._-]+|(?<=[a-z])(?=[A-Z])/u).filter(Boolean);
  const letters = words.length > 1 ? [...words[0]!].slice(0, 1).concat([...words[1]!].slice(0, 1)) : [...(words[0] ?? nickname)].slice(0, 2);
  return letters.join('').toUpperCase() || '?';
}

/** A musician's stand-in avatar: their initials on a colour of their own. */
export const generatedAvatar = (nickname: string) => drawnPictureUrl('avatar', [nickname]);

function drawAvatar(nickname: string): string {
  const s = seed(nickname);
  const hue = ((s[0]! * 256 + s[1]!) * 360) / 65536;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
<rect width="100" height="100" fill="hsl(${hue.toFixed(0)} 55% 40%)"/>
<text x="50" y="50" dy=".35em" text-anchor="middle" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="40" font-weight="600" fill="#fff">${escapeXml(initialsOf(nickname))}</text>
</svg>`;
  return svg;
}

/** A profile's stand-in banner: two shades of the musician's colour. */
export const generatedProfileCover = (nickname: string) => drawnPictureUrl('profile', [nickname]);

function drawProfileCover(nickname: string): string {
  const s = seed(nickname);
  const hue = ((s[0]! * 256 + s[1]!) * 360) / 65536;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1500 500" preserveAspectRatio="xMidYMid slice">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue.toFixed(0)} 55% 36%)"/><stop offset="1" stop-color="hsl(${((hue + 50) % 360).toFixed(0)} 60% 18%)"/></linearGradient></defs>
<rect width="1500" height="500" fill="url(#g)"/>
<g fill="none" stroke="#fff" stroke-opacity=".12" stroke-width="3">${Array.from({ length: 6 }, (_, i) => `<circle cx="${1100 + (s[2]! % 200)}" cy="${150 + (s[3]! % 150)}" r="${80 + i * 70}"/>`).join('')}</g>
</svg>`;
  return svg;
}

const DRAWERS: Record<DrawnKind, { words: number; draw: (words: string[]) => string }> = {
  song: { words: 2, draw: ([title, genre]) => drawSongCover(title!, genre!) },
  avatar: { words: 1, draw: ([nickname]) => drawAvatar(nickname!) },
  profile: { words: 1, draw: ([nickname]) => drawProfileCover(nickname!) },
};

/** Words longer than any title, genre or nickname the app keeps name no picture. */
const MAX_WORDS_LENGTH = 400;

/** The URL of the picture `words` draw (drawn-routes.ts serves it). */
export function drawnPictureUrl(kind: DrawnKind, words: string[]): string {
  return `/drawn/${kind}/${Buffer.from(words.join('\u0000')).toString('base64url')}.svg`;
}

/** The SVG a drawn picture's URL names (`/drawn/<kind>/<words>.svg`), or undefined if it names none. */
export function drawnSvgAt(url: string): string | undefined {
  const match = /^\/drawn\/(song|avatar|profile)\/([A-Za-z0-9_-]{1,2000})\.svg$/.exec(url);
  if (!match) return undefined;
  const kind = match[1] as DrawnKind;
  const text = Buffer.from(match[2]!, 'base64url').toString('utf8');
  const words = text.split('\u0000');
  if (words.length !== DRAWERS[kind].words || text.length > MAX_WORDS_LENGTH || text.includes('\uFFFD') || drawnPictureUrl(kind, words) !== url) return undefined;
  return remembered(`${kind}\u0000${text}`, () => DRAWERS[kind].draw(words));
}
