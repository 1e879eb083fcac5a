import type { Db } from '../db/knex.js';

export interface CardContributor {
  post_id: number;
  nickname: string;
  avatar_picture_id: string | null;
  /** How many different musicians played on the song (the same on each of its rows). */
  musicians: number;
}

/**
 * The first `limit` musicians who played on each song (earliest part first), with how many
 * there are in all: one query for a whole page of cards. It only reads contributions (owned
 * by contributions/, which sits above posts/ and so can't be imported here).
 */
export async function firstContributorsOf(db: Db, postIds: readonly number[], limit: number): Promise<Map<number, CardContributor[]>> {
  const byPost = new Map<number, CardContributor[]>();
  if (!postIds.length) return byPost;
  const rows: CardContributor[] = await db
    .with('musicians', (q) =>
      q
        .from('contributions as c')
        .whereIn('c.post_id', postIds)
        .groupBy('c.post_id', 'c.contributor_id')
        .select('c.post_id', 'c.contributor_id', db.raw('min(c.created_at) as first_at')),
    )
    .with('ranked', (q) =>
      q
        .from('musicians as m')
        .select('m.post_id', 'm.contributor_id', db.raw('row_number() over (partition by m.post_id order by m.first_at, m.contributor_id) as n'), db.raw('count(*) over (partition by m.post_id)::int as musicians')),
    )
    .from('ranked as r')
    .join('users as u', 'u.id', 'r.contributor_id')
    .where('r.n', '<=', limit)
    .orderBy([{ column: 'r.post_id' }, { column: 'r.n' }])
    .select('r.post_id', 'u.nickname', 'u.avatar_picture_id', 'r.musicians');
  for (const row of rows) byPost.set(row.post_id, [...(byPost.get(row.post_id) ?? []), row]);
  return byPost;
}
