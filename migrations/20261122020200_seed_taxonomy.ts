import type { Knex } from 'knex';

// The original site's six instruments first, then the ones its users asked for.
const instruments = ['Vocal', 'Guitar', 'Bass', 'Drums', 'Keyboard', 'Others', 'Synth', 'Strings', 'Brass', 'Woodwind', 'Percussion'];
const genres = ['Pop', 'Rock', 'Hip-hop', 'R&B', 'Jazz', 'Blues', 'Electronic', 'Folk', 'Classical', 'Metal', 'Funk', 'Soul', 'Ambient', 'Country', 'Reggae', 'Lo-fi'];

const slug = (name: string) => name.toLowerCase().replace(/&/g, 'n').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export async function up(knex: Knex): Promise<void> {
  // onConflict keeps the migration safe to re-run over existing rows.
  await knex('instruments').insert(instruments.map((name, i) => ({ slug: slug(name), name, position: i }))).onConflict('slug').ignore();
  await knex('genres').insert(genres.map((name, i) => ({ slug: slug(name), name, position: i }))).onConflict('slug').ignore();
}

export async function down(knex: Knex): Promise<void> {
  await knex('instruments').whereIn('slug', instruments.map(slug)).delete();
  await knex('genres').whereIn('slug', genres.map(slug)).delete();
}
