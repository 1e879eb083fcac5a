import { Router, type Application } from 'express';
import type { TFunction } from 'i18next';
import type { ShowPostPage } from '../comments/routes.js';
import type { Deps } from '../deps.js';
import type { Db } from '../db/knex.js';
import { embedIframeHtml } from '../posts/embed.js';
import { loadPost } from '../posts/load.js';
import type { PostSummary } from '../posts/queries.js';
import { canEmbedPost, songShareMeta } from '../posts/share.js';
import { findTrackById } from '../tracks/queries.js';
import { absoluteUrl } from '../web/share-meta.js';
import { hiddenAuthorIdsFor } from '../users/block-queries.js';
import { audioUploadLimits } from '../web/upload.js';
import { decodeCursor } from '../web/pagination.js';
import { tOf } from '../posts/names.js';
import { buildPostPage } from './page.js';
import { readAfresh, type SharedRead } from '../web/shared-reads.js';

/**
 * GET /posts/:id, the one page that gathers posts, contributions and mixes. It sits above
 * all three parts so none of them has to import another to its right (docs/ARCHITECTURE.md).
 * Comments by musicians the viewer blocked are left out of it.
 */
export function postPageRoutes({ db, config }: Deps): Router {
  const router = Router();

  router.get('/posts/:id', async (req, res) => {
    const [post, hiddenCommentAuthorIds] = await Promise.all([req.shared(`post:${req.params.id}`, () => loadPost(db, req.params.id)), hiddenAuthorIdsFor(db, req.user?.id)]);
    const [share, page] = await Promise.all([
      sharing(db, config.siteUrl, post, tOf(res), req.shared),
      buildPostPage(db, post, req.user, { hiddenCommentAuthorIds, partsBefore: decodeCursor(req.query.parts), t: tOf(res), shared: req.shared }),
    ]);
    res.render('posts/show', { title: post.title, audioUpload: audioUploadLimits(config.maxUploadBytes), ...share, ...page });
  });

  // What the post page polls while a part is processing: each track's status line, rendered
  // by the same partial as the page, and the mixer's tracks, so a part that becomes ready
  // joins the mixer without a reload.
  router.get('/posts/:id/parts.json', async (req, res) => {
    const post = await loadPost(db, req.params.id);
    const page = await buildPostPage(db, post, req.user, { t: tOf(res) });
    const tracks = [page.authorTrack, ...page.contributionGroups.flatMap((g) => g.items.map((c) => ({ ...c.track, alignment: c.alignment })))];
    const parts = await Promise.all(
      tracks.map(async (track) => ({
        trackId: track.id,
        status: track.status,
        alignment: 'alignment' in track ? track.alignment : null,
        statusHtml: await renderPartial(req.app, 'posts/_track-status', { track, t: res.locals.t, tm: res.locals.tm }),
      })),
    );
    res.set('Cache-Control', 'no-store').json({ parts, mixer: page.mixer });
  });

  return router;
}

/** The post page again, with a comment form's problem where the form was (comments/routes.ts). */
export function postPageWithCommentForm({ db, config }: Deps): ShowPostPage {
  return async (req, res, post, status, form) => {
    const hiddenCommentAuthorIds = await hiddenAuthorIdsFor(db, req.user?.id);
    res.status(status).render('posts/show', { title: post.title, audioUpload: audioUploadLimits(config.maxUploadBytes), ...(await sharing(db, config.siteUrl, post, tOf(res))), ...(await buildPostPage(db, post, req.user, { commentForm: form, hiddenCommentAuthorIds, t: tOf(res) })) });
  };
}

/** The page's share tags (the layout's head) and the share box: the link, and the embed code when it may be framed. */
async function sharing(db: Db, siteUrl: string, post: PostSummary, t: TFunction, shared: SharedRead = readAfresh) {
  const track = (id: string) => shared(`track:${id}`, () => findTrackById(db, id));
  const [authorTrack, playTrack] = await Promise.all([track(post.author_track_id), track(post.play_track_id)]);
  if (!authorTrack || !playTrack) throw new Error(`post ${post.id} has lost its tracks`);
  const embeddable = canEmbedPost(post, authorTrack);
  return {
    meta: songShareMeta(post, { playTrack, embeddable }, siteUrl, t),
    share: { url: absoluteUrl(siteUrl, `/posts/${post.id}`), title: t('posts:share.title', { title: post.title, musician: post.author_nickname }), embedCode: embeddable ? embedIframeHtml(siteUrl, post) : null },
  };
}

function renderPartial(app: Application, view: string, locals: object): Promise<string> {
  return new Promise((resolve, reject) => app.render(view, locals, (err: Error | null, html?: string) => (err ? reject(err) : resolve(html ?? ''))));
}
