import type { Db } from '../db/knex.js';
import type { PostSummary } from '../posts/queries.js';
import { listMixVersions } from './queries.js';
import { presentMixVersions } from './view-models.js';

/** How many versions the post page shows; older ones are a link away (GET /posts/:id/versions). */
export const VERSIONS_ON_POST_PAGE = 10;

/**
 * One page of a post's versions, newest first. One version more than the page is read:
 * it says whether there are older ones and what the oldest shown one changed.
 */
export async function mixVersionPage(db: Db, post: Pick<PostSummary, 'id' | 'current_mix_version_id'>, { before, limit }: { before?: number | undefined; limit: number }) {
  const rows = await listMixVersions(db, post.id, { before, limit: limit + 1 });
  const versions = presentMixVersions(post.id, rows, post.current_mix_version_id).slice(0, limit);
  const last = versions.at(-1);
  return {
    versions,
    /** The raw rows shown, with their recipes (the mixer starts from the newest). */
    rows: rows.slice(0, limit),
    olderUrl: rows.length > limit && last ? `/posts/${post.id}/versions?before=${last.number}` : null,
  };
}
