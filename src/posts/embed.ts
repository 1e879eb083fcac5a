import ejs from 'ejs';
import { absoluteUrl } from '../web/share-meta.js';
import type { PostSummary } from './queries.js';
import { EMBED_SIZE, embedPath, songImage } from './share.js';

/** The `<iframe>` another site pastes (the share box's "embed code", oEmbed's `html`). */
export function embedIframeHtml(siteUrl: string, post: Pick<PostSummary, 'id' | 'title' | 'author_nickname'>, size: { width: number; height: number } = EMBED_SIZE): string {
  const title = ejs.escapeXML(`${post.title} by ${post.author_nickname} on SoundHub`);
  return `<iframe src="${ejs.escapeXML(absoluteUrl(siteUrl, embedPath(post.id)))}" width="${size.width}" height="${size.height}" style="border:0;border-radius:12px;max-width:100%" title="${title}" loading="lazy" allow="autoplay"></iframe>`;
}

/** The page URL an oEmbed request names, as a song id; undefined for any other page or site. */
export function songIdFromUrl(siteUrl: string, url: string): number | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  // http and https of the same host are one site (a consumer may have either link).
  const site = new URL(siteUrl);
  if (parsed.host !== site.host || !/^https?:$/.test(parsed.protocol)) return undefined;
  const match = /^\/posts\/(\d{1,16})(?:\/embed)?\/?$/.exec(parsed.pathname);
  const id = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/**
 * The oEmbed 1.0 "rich" answer for a song: the player in an iframe at its usual size, or
 * smaller to fit the consumer's maxwidth/maxheight (the player's layout is fluid).
 */
export function presentOembed(siteUrl: string, post: PostSummary, max: { maxwidth?: number | undefined; maxheight?: number | undefined }) {
  const width = Math.min(EMBED_SIZE.width, max.maxwidth ?? Infinity);
  const height = Math.min(EMBED_SIZE.height, max.maxheight ?? Infinity);
  const image = songImage(post, siteUrl);
  const thumbnailFits = image.width <= (max.maxwidth ?? Infinity) && image.height <= (max.maxheight ?? Infinity);
  return {
    version: '1.0',
    type: 'rich',
    provider_name: 'SoundHub',
    provider_url: absoluteUrl(siteUrl, '/'),
    title: post.title,
    author_name: post.author_nickname,
    author_url: absoluteUrl(siteUrl, `/users/${encodeURIComponent(post.author_nickname)}`),
    html: embedIframeHtml(siteUrl, post, { width, height }),
    width,
    height,
    // A thumbnail larger than maxwidth/maxheight must be left out (oEmbed §2.3.4).
    ...(thumbnailFits ? { thumbnail_url: image.url, thumbnail_width: image.width, thumbnail_height: image.height } : {}),
    cache_age: 3600,
  };
}
