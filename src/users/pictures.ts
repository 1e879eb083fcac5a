import type { Deps } from '../deps.js';
import type { PictureKind } from '../pictures/kinds.js';
import { discardPictures, replacePicture } from '../pictures/replace.js';
import type { StoredPicture } from '../pictures/store.js';
import type { UploadedImage } from '../web/image-upload.js';
import { swapProfilePicture, type ProfilePictures } from './picture-queries.js';

/** Which of a musician's pictures: the square avatar or the wide profile cover. */
export type ProfilePicture = 'avatar' | 'cover';

const KIND: Record<ProfilePicture, PictureKind> = { avatar: 'avatar', cover: 'profile-cover' };
const COLUMN: Record<ProfilePicture, keyof ProfilePictures> = { avatar: 'avatar_picture_id', cover: 'cover_picture_id' };

/**
 * A musician puts up a new avatar or profile cover, or takes it down (`image` null: the
 * generated one shows again). Only ever their own: the actor is the person changed.
 */
export async function changeProfilePicture(which: ProfilePicture, image: UploadedImage | null, deps: Pick<Deps, 'db' | 'storage' | 'log'> & { actor: Express.User }): Promise<StoredPicture | null> {
  const { db, log, actor } = deps;
  const stored = await replacePicture(deps, KIND[which], image, (pictureId) => swapProfilePicture(db, actor.id, COLUMN[which], pictureId));
  log.info({ userId: actor.id, which, pictureId: stored?.id ?? null }, stored ? 'profile picture changed' : 'profile picture removed');
  return stored;
}

/**
 * For account deletion: clears the musician's avatar and profile cover and deletes their
 * files. Call it before the user row is deleted (their songs' cover art goes with each song,
 * mixes/delete-song.ts). Safe to call twice.
 */
export async function removeProfilePictures(userId: number, { db, storage, log }: Pick<Deps, 'db' | 'storage' | 'log'>): Promise<void> {
  const gone: StoredPicture[] = [];
  for (const which of ['avatar', 'cover'] as const) {
    const old = await swapProfilePicture(db, userId, COLUMN[which], null);
    if (old) gone.push({ kind: KIND[which], id: old });
  }
  await discardPictures({ storage, log }, gone);
}
