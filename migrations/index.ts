import type { Knex } from 'knex';
import * as createAccounts from './20261122020000_create_accounts.js';
import * as createTaxonomy from './20261122020100_create_taxonomy.js';
import * as seedTaxonomy from './20261122020200_seed_taxonomy.js';
import * as createPostsAndTracks from './20261122020300_create_posts_and_tracks.js';
import * as createCoproduction from './20261122030000_create_coproduction.js';
import * as addOffsetsAlignmentDetection from './20261201070000_add_offsets_alignment_detection.js';

/** Every migration in order; a new file is added here and never edited after it lands. */
export const migrations: Record<string, Knex.Migration> = {
  '20261122020000_create_accounts': createAccounts,
  '20261122020100_create_taxonomy': createTaxonomy,
  '20261122020200_seed_taxonomy': seedTaxonomy,
  '20261122020300_create_posts_and_tracks': createPostsAndTracks,
  '20261122030000_create_coproduction': createCoproduction,
  '20261201070000_add_offsets_alignment_detection': addOffsetsAlignmentDetection,
};
