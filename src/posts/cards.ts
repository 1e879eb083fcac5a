import type { Db } from '../db/knex.js';
import { firstContributorsOf } from './contributor-queries.js';
import { likedPostIds } from './like-queries.js';
import { lookingForOf } from './looking-for-queries.js';
import type { PostSummary } from './queries.js';
import type { TFunction } from 'i18next';
import { tEnglish } from './names.js';
import { presentPostCard } from './view-models.js';
import { readAfresh, type SharedRead } from '../web/shared-reads.js';

/** How many contributors' faces a card stacks beside its part count. */
const FACES_ON_A_CARD = 3;

/**
 * A page of post cards with the viewer's own likes pressed, what each song is looking for and
 * the first few contributors' faces: three queries however many cards. What every viewer sees
 * alike (all but the likes) may be a shared read (src/web/shared-reads.ts).
 */
export async function postCards(db: Db, rows: PostSummary[], viewer: Express.User | undefined, t: TFunction = tEnglish(), shared: SharedRead = readAfresh) {
  const ids = rows.map((p) => p.id);
  const [liked, [lookingFor, contributors]] = await Promise.all([
    likedPostIds(db, viewer?.id, ids),
    shared(`cards:${ids.join(',')}`, () => Promise.all([lookingForOf(db, ids), firstContributorsOf(db, ids, FACES_ON_A_CARD)])),
  ]);
  return rows.map((p) => presentPostCard(p, liked.has(p.id), lookingFor.get(p.id) ?? [], contributors.get(p.id) ?? [], t));
}
