import { tFor, type Language } from '../web/i18n.js';
import { PICTURE_KINDS, pictureUrl } from '../pictures/kinds.js';
import { absoluteUrl, shortDescription, type ShareMeta } from '../web/share-meta.js';
import type { ProfilePictures } from './picture-queries.js';
import type { UserRow } from './queries.js';

/** The PNG drawn for a musician without an avatar (GET /users/:nickname/avatar.png). */
export const DRAWN_AVATAR_SIZE = { width: 512, height: 512 } as const;

export const profilePath = (nickname: string) => `/users/${encodeURIComponent(nickname)}`;

/** A profile's share tags: a summary card with the avatar (uploaded, or the drawn one as PNG). */
export function profileShareMeta(user: Pick<UserRow, 'nickname' | 'bio'>, pictures: Pick<ProfilePictures, 'avatar_picture_id'>, siteUrl: string, lng: Language = 'en'): ShareMeta {
  const t = tFor(lng);
  const largest = PICTURE_KINDS.avatar.sizes.at(-1)!;
  const image = pictures.avatar_picture_id
    ? { url: absoluteUrl(siteUrl, pictureUrl('avatar', pictures.avatar_picture_id, largest.name)), width: largest.width, height: largest.height }
    : { url: absoluteUrl(siteUrl, `${profilePath(user.nickname)}/avatar.png`), ...DRAWN_AVATAR_SIZE };
  return {
    type: 'profile',
    title: t('users:share.title', { name: user.nickname }),
    description: user.bio.trim() ? shortDescription(user.bio) : t('users:share.description', { name: user.nickname }),
    url: absoluteUrl(siteUrl, profilePath(user.nickname)),
    image: { ...image, alt: t('users:share.avatar_alt', { name: user.nickname }) },
    audio: null,
    twitter: { card: 'summary' },
    oembedUrl: null,
    username: user.nickname,
  };
}
