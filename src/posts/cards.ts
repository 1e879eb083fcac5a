import type { Db } from '../db/knex.js';
import { likedPostIds } from './like-queries.js';
import { lookingForOf } from './looking-for-queries.js';
import type { PostSummary } from './queries.js';
import { presentPostCard } from './view-models.js';

/** A page of post cards with the viewer's own likes pressed and what each song is looking for: two queries however many cards. */
export async function postCards(db: Db, rows: PostSummary[], viewer: Express.User | undefined) {
  const ids = rows.map((p) => p.id);
  const [liked, lookingFor] = await Promise.all([likedPostIds(db, viewer?.id, ids), lookingForOf(db, ids)]);
  return rows.map((p) => presentPostCard(p, liked.has(p.id), lookingFor.get(p.id) ?? []));
}
