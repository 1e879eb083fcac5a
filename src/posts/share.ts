import { PICTURE_KINDS, pictureUrl } from '../pictures/kinds.js';
import type { TrackRow } from '../tracks/queries.js';
import { absoluteUrl, shortDescription, type ShareMeta } from '../web/share-meta.js';
import type { TFunction } from 'i18next';
import { genreName, tEnglish } from './names.js';
import type { PostSummary } from './queries.js';

/** The embeddable player's size when the site that frames it asks for nothing smaller. */
export const EMBED_SIZE = { width: 480, height: 160 } as const;
/** The PNG drawn for a song without cover art (GET /posts/:id/art.png). */
export const DRAWN_ART_SIZE = { width: 600, height: 600 } as const;

/**
 * A song may be framed and announced to other sites when it has something to play: its
 * master, or an author track that did not fail. A song that is deleted has no row and
 * answers 404 before this is asked; songs have no private state, every one is public.
 */
export const canEmbedPost = (post: Pick<PostSummary, 'master_track_id'>, authorTrack: Pick<TrackRow, 'status'>) => post.master_track_id !== null || authorTrack.status !== 'failed';

export const songPath = (postId: number) => `/posts/${postId}`;
export const embedPath = (postId: number) => `/posts/${postId}/embed`;

/** The cover art at the size cards want, or the drawn one as a PNG. */
export function songImage(post: Pick<PostSummary, 'id' | 'cover_picture_id' | 'title'>, siteUrl: string, t: TFunction = tEnglish()): ShareMeta['image'] {
  const alt = t('posts:show.cover_alt', { title: post.title });
  if (post.cover_picture_id) {
    const largest = PICTURE_KINDS['song-cover'].sizes.at(-1)!;
    return { url: absoluteUrl(siteUrl, pictureUrl('song-cover', post.cover_picture_id, largest.name)), width: largest.width, height: largest.height, alt };
  }
  return { url: absoluteUrl(siteUrl, `/posts/${post.id}/art.png`), ...DRAWN_ART_SIZE, alt };
}

/** One line about the song when its author wrote no description. */
export function songSummary(post: Pick<PostSummary, 'description' | 'genre_name' | 'genre_slug' | 'author_nickname' | 'contributions_count'>, t: TFunction = tEnglish()): string {
  if (post.description.trim()) return shortDescription(post.description);
  return t('posts:share.summary', { genre: genreName(t, { slug: post.genre_slug, name: post.genre_name }), musician: post.author_nickname, count: post.contributions_count });
}

/** The oEmbed document of a song page (GET /oembed). */
export const oembedUrlFor = (siteUrl: string, postId: number) => absoluteUrl(siteUrl, `/oembed?url=${encodeURIComponent(absoluteUrl(siteUrl, songPath(postId)))}&format=json`);

/**
 * A song page's share tags. `playTrack` is what a listener hears (the master, else the author
 * track); its audio is announced only once its streaming rendition is ready.
 */
export function songShareMeta(post: PostSummary, { playTrack, embeddable }: { playTrack: TrackRow; embeddable: boolean }, siteUrl: string, t: TFunction = tEnglish()): ShareMeta {
  const ready = playTrack.status === 'ready' && playTrack.stream_key !== null && playTrack.stream_type !== null;
  return {
    type: 'music.song',
    title: t('posts:share.title', { title: post.title, musician: post.author_nickname }),
    description: songSummary(post, t),
    url: absoluteUrl(siteUrl, songPath(post.id)),
    image: songImage(post, siteUrl, t),
    audio: ready ? { url: absoluteUrl(siteUrl, `/tracks/${playTrack.id}/stream`), type: playTrack.stream_type! } : null,
    twitter: embeddable ? { card: 'player', player: { url: absoluteUrl(siteUrl, embedPath(post.id)), ...EMBED_SIZE } } : { card: 'summary' },
    oembedUrl: embeddable ? oembedUrlFor(siteUrl, post.id) : null,
  };
}
