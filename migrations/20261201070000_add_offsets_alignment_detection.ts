import type { Knex } from 'knex';

// Issue 9: each track of a mix has an offset; a part carries the worker's proposed offset
// (automatic alignment) and its confidence; a song carries the BPM and key the worker
// heard; a mix version that contained a withdrawn part is retired (its audio deleted).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('mix_version_tracks', (t) => {
    // Milliseconds the track starts later (+) or earlier (−) than the song's 0:00.
    t.integer('offset_ms').notNullable().defaultTo(0);
    // Set on older versions' rows when the part is deleted (its track_id then goes null),
    // so the history can say "− drums by carol (part withdrawn)".
    t.boolean('withdrawn').notNullable().defaultTo(false);
  });
  await knex.schema.alterTable('contributions', (t) => {
    // 'aligned' (offset proposed), 'unsure' (could not tell) or null (not measured yet).
    t.text('alignment_status').checkIn(['aligned', 'unsure']);
    t.integer('proposed_offset_ms');
    t.float('alignment_confidence');
  });
  await knex.schema.alterTable('posts', (t) => {
    // What the worker heard in the author track; posts.bpm/key stay what the author typed
    // (or the detected value, when they left it blank: bpm_source/key_source say which).
    t.float('bpm_detected');
    t.text('key_detected');
    t.text('bpm_source').checkIn(['author', 'detected']);
    t.text('key_source').checkIn(['author', 'detected']);
  });
  await knex.raw(`update posts set bpm_source = 'author' where bpm is not null`);
  await knex.raw(`update posts set key_source = 'author' where key is not null`);
  await knex.raw('alter table mix_versions drop constraint if exists mix_versions_status_check');
  await knex.raw(`alter table mix_versions add constraint mix_versions_status_check check (status in ('rendering', 'ready', 'failed', 'retired'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`update mix_versions set status = 'failed' where status = 'retired'`);
  await knex.raw('alter table mix_versions drop constraint if exists mix_versions_status_check');
  await knex.raw(`alter table mix_versions add constraint mix_versions_status_check check (status in ('rendering', 'ready', 'failed'))`);
  await knex.schema.alterTable('posts', (t) => {
    for (const c of ['bpm_detected', 'key_detected', 'bpm_source', 'key_source']) t.dropColumn(c);
  });
  await knex.schema.alterTable('contributions', (t) => {
    for (const c of ['alignment_status', 'proposed_offset_ms', 'alignment_confidence']) t.dropColumn(c);
  });
  await knex.schema.alterTable('mix_version_tracks', (t) => {
    t.dropColumn('offset_ms');
    t.dropColumn('withdrawn');
  });
}
