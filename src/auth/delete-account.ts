import { takeBackAllContributionLikes } from '../contributions/like-queries.js';
import { findContributionById, listContributionIdsByContributor } from '../contributions/queries.js';
import type { Deps } from '../deps.js';
import { deleteSong } from '../mixes/delete-song.js';
import { withdrawContribution } from '../mixes/withdraw.js';
import { takeBackAllPostLikes } from '../posts/like-queries.js';
import { findPostById, listPostIdsByAuthor } from '../posts/queries.js';
import { trackFolder } from '../storage/keys.js';
import { deletePrefix } from '../storage/s3.js';
import { listTrackIdsOfOwner } from '../tracks/queries.js';
import { deleteUserRow } from '../users/account-queries.js';
import { removeProfilePictures } from '../users/pictures.js';
import { checkCurrentPassword } from './change-password.js';
import { endAllSessions, endOtherSessions } from './session-queries.js';

/**
 * A musician leaves SoundHub, confirming with their password. In order:
 * 1. every other session ends (other devices can start nothing new while the rest runs);
 * 2. each of their songs is deleted as its author would (rows, then every file);
 * 3. each part they played on someone else's song is withdrawn as when they delete it: masters
 *    that had it are retired and the current mix is saved again without it and re-rendered;
 * 4. the account row goes, taking what is left with it (nickname history, tags, stray track
 *    rows), then the last sessions, then those stray tracks' files.
 * Each song and part is its own transaction: if something fails half-way, what is done stays
 * done and asking again (the password is still theirs) finishes the rest.
 */
export async function deleteAccount(
  actor: Express.User,
  password: string,
  { sessionId, ...deps }: Pick<Deps, 'db' | 'storage' | 'jobs' | 'log'> & { sessionId: string },
): Promise<{ songs: number; parts: number }> {
  const { db, storage, log } = deps;
  await checkCurrentPassword(db, actor.id, password, 'password');
  // This one stays until the end, so a failure half-way leaves the musician signed in to retry.
  await endOtherSessions(db, actor.id, sessionId);

  const postIds = await listPostIdsByAuthor(db, actor.id);
  for (const id of postIds) {
    const post = await findPostById(db, id);
    if (post) await deleteSong(post, { ...deps, actor });
  }
  const partIds = await listContributionIdsByContributor(db, actor.id);
  for (const id of partIds) {
    // Gone already (its song was deleted meanwhile): nothing left to withdraw.
    const contribution = await findContributionById(db, id);
    const post = contribution && (await findPostById(db, contribution.post_id));
    if (contribution && post) await withdrawContribution(post, contribution, { ...deps, actor });
  }

  // The avatar and profile cover (each song's cover art went with its song).
  await removeProfilePictures(actor.id, deps);

  // Their likes leave with them, counters moved (the row's cascade alone would leave them high).
  await takeBackAllPostLikes(db, actor.id);
  await takeBackAllContributionLikes(db, actor.id);

  const strayTrackIds = await listTrackIdsOfOwner(db, actor.id);
  await deleteUserRow(db, actor.id);
  await endAllSessions(db, actor.id); // this one, and any signed in meanwhile
  // Rows first, then files: a failure here leaves unreferenced objects, never a broken row.
  for (const id of strayTrackIds) await deletePrefix(storage, trackFolder(id));
  log.info({ userId: actor.id, songs: postIds.length, parts: partIds.length, strayTracks: strayTrackIds.length }, 'account deleted');
  return { songs: postIds.length, parts: partIds.length };
}
