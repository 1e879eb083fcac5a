/**
 * What a page tells the sites it is shared on (Open Graph, Twitter cards, oEmbed discovery),
 * printed by views/partials/share-meta.ejs into the layout's head. Every URL is absolute:
 * a scraper reads the page from elsewhere and resolves nothing against it.
 */
export interface ShareMeta {
  /** og:type: a song page or a musician's profile. */
  type: 'music.song' | 'profile';
  title: string;
  description: string;
  /** The page's own address (og:url), on the configured public origin. */
  url: string;
  image: { url: string; width: number; height: number; alt: string };
  /** The song's audio for players that play it in place (og:audio), when it is ready. */
  audio: { url: string; type: string } | null;
  /** `player`: the embeddable player in a frame; `summary`: a card with the picture. */
  twitter: { card: 'summary' } | { card: 'player'; player: { url: string; width: number; height: number } };
  /** The oEmbed document of this page, for the discovery link. */
  oembedUrl: string | null;
  /** og:profile:username on a profile. */
  username?: string;
}

/** A path of this site as an absolute URL on its public origin (config.siteUrl has no trailing slash). */
export const absoluteUrl = (siteUrl: string, path: string) => `${siteUrl}${path.startsWith('/') ? path : `/${path}`}`;

/** A description cut to what cards show (about 200 characters), at a word where it can be. */
export function shortDescription(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}
