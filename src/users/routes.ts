import { Router } from 'express';
import type { Deps } from '../deps.js';
import { listContributionsByMusician } from '../contributions/queries.js';
import { listNewestPosts } from '../posts/queries.js';
import { presentPostCard } from '../posts/view-models.js';
import { NotFound } from '../web/errors.js';
import { formatDate, formatDuration, timeAgo } from '../web/format.js';
import { decodeCursor, page } from '../web/pagination.js';
import { findNicknameNow, listMusicianTags } from './profile-queries.js';
import { avatarView, profileCoverView } from '../pictures/present.js';
import { findProfilePictures } from './picture-queries.js';
import { findUserByNickname } from './queries.js';

const PAGE_SIZE = 20;

export function userRoutes({ db }: Deps): Router {
  const router = Router();

  router.get('/users/:nickname', async (req, res) => {
    const user = await findUserByNickname(db, req.params.nickname);
    if (!user) {
      // A name its musician gave up: the page moved for good, with its query (?before=) kept.
      const now = await findNicknameNow(db, req.params.nickname);
      if (now) return res.redirect(301, `/users/${encodeURIComponent(now)}${req.originalUrl.slice(req.path.length)}`);
      throw new NotFound('There is no musician with that name.');
    }
    const rows = await listNewestPosts(db, { authorId: user.id, before: decodeCursor(req.query.before), limit: PAGE_SIZE + 1 });
    const { items, next } = page(rows, PAGE_SIZE);
    const [parts, tags, pictures] = await Promise.all([listContributionsByMusician(db, user.id, 30), listMusicianTags(db, user.id), findProfilePictures(db, user.id)]);
    res.render('users/show', {
      title: user.nickname,
      profile: {
        nickname: user.nickname,
        bio: user.bio,
        joined: formatDate(user.created_at),
        isSelf: req.user?.id === user.id,
        instruments: tags.instruments.map((t) => ({ name: t.name, url: `/instruments/${t.slug}` })),
        genres: tags.genres.map((t) => ({ name: t.name, url: `/genres/${t.slug}` })),
        avatar: avatarView({ avatarPictureId: pictures.avatar_picture_id, nickname: user.nickname }),
        cover: profileCoverView({ coverPictureId: pictures.cover_picture_id, nickname: user.nickname }),
      },
      posts: items.map(presentPostCard),
      olderUrl: next ? `/users/${encodeURIComponent(user.nickname)}?before=${next}` : null,
      contributions: parts.map((c) => ({
        url: `/posts/${c.post_id}#contribution-${c.id}`,
        postTitle: c.post_title,
        instrument: c.instrument_name,
        note: c.note,
        included: c.included,
        duration: formatDuration(c.track.duration_ms),
        streamUrl: `/tracks/${c.track_id}/stream`,
        ago: timeAgo(c.created_at),
      })),
    });
  });

  return router;
}
