import type { Knex } from 'knex';

// Issue 10: a musician's avatar and profile cover, and a song's cover art. Each names the
// folder of WebP sizes in S3 (images/<kind>/<id>/); a new upload gets a new id, so the
// objects never change under a key and can be cached for good. Null: a generated picture.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table users add column if not exists avatar_picture_id uuid, add column if not exists cover_picture_id uuid');
  await knex.raw('alter table posts add column if not exists cover_picture_id uuid');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table posts drop column if exists cover_picture_id');
  await knex.raw('alter table users drop column if exists avatar_picture_id, drop column if exists cover_picture_id');
}
