import type { Db } from '../db/knex.js';
import { likedPostIds } from './like-queries.js';
import type { PostSummary } from './queries.js';
import { presentPostCard } from './view-models.js';

/** A page of post cards with the viewer's own likes pressed: one query however many cards. */
export async function postCards(db: Db, rows: PostSummary[], viewer: Express.User | undefined) {
  const liked = await likedPostIds(db, viewer?.id, rows.map((p) => p.id));
  return rows.map((p) => presentPostCard(p, liked.has(p.id)));
}
