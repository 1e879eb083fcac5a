import type { Db } from '../db/knex.js';
import { BadRequest, NotFound } from '../web/errors.js';
import { findPostById, type PostSummary } from './queries.js';

/** A numeric id from the URL; anything else is a page that does not exist. */
export function parseId(value: unknown): number {
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) throw new NotFound();
  const id = Number(value);
  if (!Number.isSafeInteger(id)) throw new BadRequest();
  return id;
}

/** The post a URL names, or 404 for every route that hangs off a post. */
export async function loadPost(db: Db, id: unknown): Promise<PostSummary> {
  const post = await findPostById(db, parseId(id));
  if (!post) throw new NotFound('This song does not exist or was deleted.');
  return post;
}
