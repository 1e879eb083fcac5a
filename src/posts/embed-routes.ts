import { Router } from 'express';
import type { Deps } from '../deps.js';
import { drawnPictureAsPng } from '../pictures/drawn-png.js';
import { songCoverView } from '../pictures/present.js';
import { findTrackById } from '../tracks/queries.js';
import { waveformBars } from '../tracks/waveform.js';
import { NotFound, NotImplemented } from '../web/errors.js';
import { formatDuration } from '../web/format.js';
import { absoluteUrl } from '../web/share-meta.js';
import { validate } from '../web/validate.js';
import { presentOembed, songIdFromUrl } from './embed.js';
import { oembedQuerySchema } from './embed-schemas.js';
import { loadPost } from './load.js';
import type { PostSummary } from './queries.js';
import { canEmbedPost, DRAWN_ART_SIZE, songPath } from './share.js';

/** The one path other sites may frame (app.ts relaxes frame-ancestors / X-Frame-Options for it alone). */
export const EMBED_PATH = /^\/posts\/[^/]+\/embed\/?$/;

/** Bars of the embed's waveform: enough to look like the song at 480 px, few enough to inline. */
const EMBED_BARS = 96;

/**
 * Sharing a song elsewhere: the embeddable player, its oEmbed description, and the drawn
 * cover as a PNG for cards (scrapers refuse SVG). All public: the song page is too.
 */
export function embedRoutes({ db, storage, config }: Deps): Router {
  const router = Router();

  /** The song a URL names, if it may be shown on other sites; 404 otherwise. */
  async function loadEmbeddable(id: unknown): Promise<PostSummary> {
    const post = await loadPost(db, id);
    const authorTrack = await findTrackById(db, post.author_track_id);
    if (!authorTrack || !canEmbedPost(post, authorTrack)) throw new NotFound('This song has nothing to play yet.');
    return post;
  }

  router.get('/posts/:id/embed', async (req, res) => {
    const post = await loadEmbeddable(req.params.id);
    const playTrack = await findTrackById(db, post.play_track_id);
    const bars = playTrack ? await waveformBars(storage, playTrack, EMBED_BARS) : [];
    res.set('Cache-Control', 'public, max-age=300').render('posts/embed', {
      title: post.title,
      song: {
        title: post.title,
        artist: post.author_nickname,
        url: absoluteUrl(config.siteUrl, songPath(post.id)),
        artistUrl: absoluteUrl(config.siteUrl, `/users/${encodeURIComponent(post.author_nickname)}`),
        art: songCoverView({ coverPictureId: post.cover_picture_id, title: post.title, genre: post.genre_name }),
        streamUrl: `/tracks/${post.play_track_id}/stream`,
        duration: formatDuration(post.duration_ms),
        durationMs: post.duration_ms,
        bars,
      },
    });
  });

  router.get('/oembed', async (req, res) => {
    const query = validate(oembedQuerySchema, req.query);
    if (query.format !== 'json') throw new NotImplemented('Only format=json is offered.');
    const id = songIdFromUrl(config.siteUrl, query.url);
    if (id === undefined) throw new NotFound('That address is not a song on SoundHub.');
    const post = await loadEmbeddable(String(id));
    res.set('Cache-Control', 'public, max-age=3600').json(presentOembed(config.siteUrl, post, query));
  });

  // Songs with uploaded art point their cards at the stored WebP; this draws the others.
  router.get('/posts/:id/art.png', async (req, res) => {
    const post = await loadPost(db, req.params.id);
    const art = songCoverView({ coverPictureId: post.cover_picture_id, title: post.title, genre: post.genre_name });
    if (!art.generated) return res.redirect(302, art.src);
    const png = await drawnPictureAsPng(art.src, DRAWN_ART_SIZE);
    // Other sites show it as a thumbnail: not same-origin only. A renamed song redraws within a day.
    res.set({ 'Content-Type': 'image/png', 'Cache-Control': 'public, max-age=86400', 'Cross-Origin-Resource-Policy': 'cross-origin' }).send(png);
  });

  return router;
}
