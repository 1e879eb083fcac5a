import type { Db } from '../db/knex.js';
import { NotFound } from '../web/errors.js';
import { findPostById, type PostSummary } from './queries.js';

/** The largest value of a PostgreSQL `integer` column (version numbers). */
export const INTEGER_MAX = 2_147_483_647;

/**
 * A numeric id from the URL; anything else, or a number past the column's range (which
 * PostgreSQL would refuse with an error), is a page that does not exist.
 */
export function parseId(value: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value)) throw new NotFound();
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id < 1 || id > max) throw new NotFound();
  return id;
}

/** The post a URL names, or 404 for every route that hangs off a post. */
export async function loadPost(db: Db, id: unknown): Promise<PostSummary> {
  const post = await findPostById(db, parseId(id));
  if (!post) throw new NotFound('This song does not exist or was deleted.');
  return post;
}
