import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.js';
import { listContributionsByMusician, listLikedContributions, type MusicianPart } from '../contributions/queries.js';
import { postCards } from '../posts/cards.js';
import { listLikedPosts, listNewestPosts } from '../posts/queries.js';
import { requireUser } from '../web/auth-guard.js';
import { Forbidden, NotFound, ValidationFailed } from '../web/errors.js';
import { formatDate, formatDuration, timeAgo } from '../web/format.js';
import { languageOf, tFor } from '../web/i18n.js';
import { decodeCursor, page, pageBy } from '../web/pagination.js';
import { answerToggle, readToggle } from '../web/toggle.js';
import { blocksBetween, hasBlocked } from './block-queries.js';
import { countFollows, isFollowing, listFollows, setFollowing } from './follow-queries.js';
import { findNicknameNow, listMusicianTags } from './profile-queries.js';
import { avatarView, profileCoverView } from '../pictures/present.js';
import { findProfilePictures } from './picture-queries.js';
import { findUserByNickname, type UserRow } from './queries.js';
import { profileShareMeta } from './share.js';
import type { Language } from '../web/i18n.js';

const PAGE_SIZE = 20;
type Tab = 'songs' | 'parts' | 'liked' | 'followers' | 'following';

/** Wired in by the app from a part above this one: told of each follow (notifications). */
export interface UserHooks {
  onFollowed?: (follow: { followerId: number; followedId: number }) => Promise<unknown>;
}

export function userRoutes({ db, config }: Deps, hooks: UserHooks = {}): Router {
  const router = Router();

  /** The musician a URL names; a name they gave up moves for good (301) to their page now, tab and query kept. */
  async function loadProfileUser(req: Request, res: Response, tab: Tab): Promise<UserRow | undefined> {
    const nickname = String(req.params.nickname);
    const user = await req.shared(`user:${nickname}`, () => findUserByNickname(db, nickname));
    if (user) return user;
    const now = await findNicknameNow(db, nickname);
    if (!now) throw new NotFound('There is no musician with that name.');
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    res.redirect(301, `/users/${encodeURIComponent(now)}${tab === 'songs' ? '' : `/${tab}`}${query}`);
    return undefined;
  }

  /** The header every tab shares: who they are, counts, the follow button, the tab links. */
  async function profileHead(req: Request, user: UserRow, tab: Tab) {
    const t = tFor(languageOf(req));
    const [tags, counts, following, pictures, blocked] = await Promise.all([
      req.shared(`tags:${user.id}`, () => listMusicianTags(db, user.id)),
      req.shared(`follow-counts:${user.id}`, () => countFollows(db, user.id)),
      isFollowing(db, req.user?.id, user.id),
      req.shared(`pictures:${user.id}`, () => findProfilePictures(db, user.id)),
      hasBlocked(db, req.user?.id, user.id),
    ]);
    const base = `/users/${encodeURIComponent(user.nickname)}`;
    return {
      nickname: user.nickname,
      url: base,
      bio: user.bio,
      joined: formatDate(user.created_at, languageOf(req)),
      isSelf: req.user?.id === user.id,
      instruments: tags.instruments.map((t) => ({ name: t.name, url: `/instruments/${t.slug}` })),
      genres: tags.genres.map((t) => ({ name: t.name, url: `/genres/${t.slug}` })),
      avatar: avatarView({ avatarPictureId: pictures.avatar_picture_id, nickname: user.nickname }),
      cover: profileCoverView({ coverPictureId: pictures.cover_picture_id, nickname: user.nickname }),
      followers: counts.followers,
      following: counts.following,
      // Visitors see the button too: it posts, and the guard sends them to log in.
      follow: req.user?.id === user.id ? null : { url: `${base}/follow`, on: following, signedIn: Boolean(req.user) },
      // A visitor's "Message" goes through log-in; a block is only offered to someone signed in.
      messageUrl: req.user?.id === user.id ? null : `/messages/${encodeURIComponent(user.nickname)}`,
      block: req.user && req.user.id !== user.id ? { url: `${base}/block`, on: blocked } : null,
      back: req.originalUrl,
      tab,
      tabs: [
        { tab: 'songs', label: t('users:tabs.songs'), url: base },
        { tab: 'parts', label: t('users:tabs.parts'), url: `${base}/parts` },
        { tab: 'liked', label: t('users:tabs.liked'), url: `${base}/liked` },
        { tab: 'followers', label: t('users:tabs.followers', { count: counts.followers }), url: `${base}/followers` },
        { tab: 'following', label: t('users:tabs.following', { count: counts.following }), url: `${base}/following` },
      ],
    };
  }

  router.get('/users/:nickname', async (req, res) => {
    const user = await loadProfileUser(req, res, 'songs');
    if (!user) return;
    const before = decodeCursor(req.query.before);
    const rows = await req.shared(`newest:${JSON.stringify([{ authorId: user.id }, before])}`, () => listNewestPosts(db, { authorId: user.id, before, limit: PAGE_SIZE + 1 }));
    const { items, next } = page(rows, PAGE_SIZE);
    const [profile, pictures] = await Promise.all([profileHead(req, user, 'songs'), req.shared(`pictures:${user.id}`, () => findProfilePictures(db, user.id))]);
    res.render('users/show', {
      title: user.nickname,
      meta: profileShareMeta(user, pictures, config.siteUrl, languageOf(req)),
      profile,
      posts: await postCards(db, items, req.user, tFor(languageOf(req)), req.shared),
      olderUrl: next ? `${profile.url}?before=${next}` : null,
    });
  });

  router.get('/users/:nickname/parts', async (req, res) => {
    const user = await loadProfileUser(req, res, 'parts');
    if (!user) return;
    const rows = await listContributionsByMusician(db, user.id, { before: decodeCursor(req.query.before), limit: PAGE_SIZE + 1 });
    const { items, next } = page(rows, PAGE_SIZE);
    const profile = await profileHead(req, user, 'parts');
    res.render('users/parts', {
      title: tFor(languageOf(req))('users:title.parts', { name: user.nickname }),
      profile,
      heading: tFor(languageOf(req))('users:parts.heading'),
      empty: profile.isSelf ? tFor(languageOf(req))('users:parts.empty_self') : tFor(languageOf(req))('users:parts.empty', { name: user.nickname }),
      parts: items.map((c) => partRow(c, languageOf(req))),
      liked: null,
      olderUrl: next ? `${profile.url}/parts?before=${next}` : null,
    });
  });

  router.get('/users/:nickname/liked', async (req, res) => {
    const user = await loadProfileUser(req, res, 'liked');
    if (!user) return;
    const rows = await listLikedPosts(db, user.id, { before: decodeCursor(req.query.before), limit: PAGE_SIZE + 1 });
    const { items, next } = pageBy(rows, PAGE_SIZE, likedAt);
    const profile = await profileHead(req, user, 'liked');
    res.render('users/liked', {
      title: tFor(languageOf(req))('users:title.liked', { name: user.nickname }),
      profile,
      posts: await postCards(db, items, req.user, tFor(languageOf(req))),
      olderUrl: next ? `${profile.url}/liked?before=${next}` : null,
      liked: likedKinds(profile.url, 'songs'),
    });
  });

  router.get('/users/:nickname/liked/parts', async (req, res) => {
    const user = await loadProfileUser(req, res, 'liked');
    if (!user) return;
    const rows = await listLikedContributions(db, user.id, { before: decodeCursor(req.query.before), limit: PAGE_SIZE + 1 });
    const { items, next } = pageBy(rows, PAGE_SIZE, likedAt);
    const profile = await profileHead(req, user, 'liked');
    res.render('users/parts', {
      title: tFor(languageOf(req))('users:title.liked_parts', { name: user.nickname }),
      profile,
      heading: profile.isSelf ? tFor(languageOf(req))('users:parts.liked_heading_self') : tFor(languageOf(req))('users:parts.liked_heading', { name: user.nickname }),
      empty: tFor(languageOf(req))('users:parts.liked_empty'),
      parts: items.map((c) => partRow(c, languageOf(req))),
      liked: likedKinds(profile.url, 'parts'),
      olderUrl: next ? `${profile.url}/liked/parts?before=${next}` : null,
    });
  });

  for (const direction of ['followers', 'following'] as const) {
    router.get(`/users/:nickname/${direction}`, async (req, res) => {
      const user = await loadProfileUser(req, res, direction);
      if (!user) return;
      const rows = await listFollows(db, user.id, direction, { before: decodeCursor(req.query.before), limit: PAGE_SIZE + 1 });
      const { items, next } = page(rows, PAGE_SIZE);
      const profile = await profileHead(req, user, direction);
      res.render('users/follows', {
        title: tFor(languageOf(req))(`users:title.${direction}`, { name: user.nickname }),
        profile,
        direction,
        musicians: items.map((m) => ({ nickname: m.nickname, url: `/users/${encodeURIComponent(m.nickname)}`, bio: m.bio, since: timeAgo(m.created_at, languageOf(req)) })),
        olderUrl: next ? `${profile.url}/${direction}?before=${next}` : null,
      });
    });
  }

  // on=1 follows, on=0 unfollows; twice the same changes nothing the second time.
  router.post('/users/:nickname/follow', requireUser, async (req, res) => {
    const user = await findUserByNickname(db, String(req.params.nickname));
    if (!user) throw new NotFound('There is no musician with that name.');
    const on = readToggle(req);
    if (user.id === req.user!.id) throw new ValidationFailed({ on: 'You cannot follow yourself.' });
    // A block ended any follow between the two; it must not start again while the block stands.
    if (on) {
      const blocks = await blocksBetween(db, req.user!.id, user.id);
      if (blocks.aBlockedB) throw new Forbidden('You blocked {{name}}. Unblock them to follow.').withParams({ name: user.nickname });
      if (blocks.bBlockedA) throw new Forbidden('You cannot follow {{name}}.').withParams({ name: user.nickname });
    }
    await setFollowing(db, req.user!.id, user.id, on);
    // The follow stands whatever its notification does.
    if (on) await hooks.onFollowed?.({ followerId: req.user!.id, followedId: user.id }).catch((err: unknown) => req.log.warn({ err, followedId: user.id }, 'follow not notified'));
    answerToggle(req, res, { following: on, followers: (await countFollows(db, user.id)).followers }, `/users/${encodeURIComponent(user.nickname)}`);
  });

  return router;
}

/** Liked lists page by when each like was made. */
const likedAt = (row: { liked_at: Date; id: number }) => ({ created_at: row.liked_at, id: row.id });

/** The liked tab's switch between its songs and its parts. */
function likedKinds(profileUrl: string, current: 'songs' | 'parts') {
  return { songsUrl: `${profileUrl}/liked`, partsUrl: `${profileUrl}/liked/parts`, current };
}

/** One part in a profile list: what it is, on which song, and whether it made the mix. */
function partRow(c: MusicianPart, lng: Language) {
  const musician = c.contributor_nickname;
  return {
    url: `/posts/${c.post_id}#contribution-${c.id}`,
    postTitle: c.post_title,
    musician,
    musicianUrl: `/users/${encodeURIComponent(musician)}`,
    instrument: tFor(lng)(`taxonomy:instrument.${c.instrument_slug}`, { defaultValue: c.instrument_name }),
    note: c.note,
    included: c.included,
    likes: c.likes_count,
    duration: formatDuration(c.track.duration_ms),
    streamUrl: `/tracks/${c.track_id}/stream`,
    ago: timeAgo(c.created_at, lng),
  };
}
