import type { Knex } from 'knex';
import * as createAccounts from './20261122020000_create_accounts.js';
import * as createTaxonomy from './20261122020100_create_taxonomy.js';
import * as seedTaxonomy from './20261122020200_seed_taxonomy.js';
import * as createPostsAndTracks from './20261122020300_create_posts_and_tracks.js';
import * as createCoproduction from './20261122030000_create_coproduction.js';
import * as countJobAttempts from './20261201020000_count_job_attempts.js';
import * as indexMixVersionTracksVersion from './20261201040000_index_mix_version_tracks_version.js';
import * as indexPostsGenreNewest from './20261201040100_index_posts_genre_newest.js';
import * as indexPostsInstrumentNewest from './20261201040200_index_posts_instrument_newest.js';
import * as indexTracksProcessing from './20261201040300_index_tracks_processing.js';
import * as indexMixVersionsRendering from './20261201040400_index_mix_versions_rendering.js';
import * as indexMixVersionTracksContribution from './20261201040500_index_mix_version_tracks_contribution.js';
import * as indexPostsAuthorTrack from './20261201040600_index_posts_author_track.js';
import * as indexPostsMasterTrack from './20261201040700_index_posts_master_track.js';
import * as indexMixVersionsMasterTrack from './20261201040800_index_mix_versions_master_track.js';
import * as indexTracksOwner from './20261201040900_index_tracks_owner.js';
import * as indexPostsCurrentMixVersion from './20261201041000_index_posts_current_mix_version.js';
import * as createWorkerHeartbeats from './20261201060000_create_worker_heartbeats.js';
import * as addOffsetsAlignmentDetection from './20261201070000_add_offsets_alignment_detection.js';
import * as createPendingUploads from './20261202000000_create_pending_uploads.js';
import * as createNicknameHistory from './20261202040000_create_nickname_history.js';
import * as createMusicianTags from './20261202040100_create_musician_tags.js';
import * as indexSessionsUser from './20261202040200_index_sessions_user.js';
import * as allowAccountsWithoutPassword from './20261202030000_allow_accounts_without_password.js';
import * as createOidcIdentities from './20261202030100_create_oidc_identities.js';
import * as createRateLimits from './20261202030200_create_rate_limits.js';
import * as createAccountTokens from './20261202010000_create_account_tokens.js';
import * as addPictures from './20261202020000_add_pictures.js';
import * as createLikes from './20261202050000_create_likes.js';
import * as createFollows from './20261202050100_create_follows.js';
import * as createPlaysPending from './20261202050200_create_plays_pending.js';
import * as enablePgTrgm from './20261202060000_enable_pg_trgm.js';
import * as indexPostsSearchWords from './20261202060100_index_posts_search_words.js';
import * as indexPostsTitleTrgm from './20261202060200_index_posts_title_trgm.js';
import * as indexUsersNicknameTrgm from './20261202060300_index_users_nickname_trgm.js';
import * as indexUsersNicknamePrefix from './20261202060400_index_users_nickname_prefix.js';
import * as indexUserInstrumentsInstrument from './20261202060500_index_user_instruments_instrument.js';
import * as createComments from './20261203010000_create_comments.js';
import * as createNotifications from './20261203020000_create_notifications.js';
import * as createPostLookingFor from './20261203030000_create_post_looking_for.js';
import * as createTrending from './20261203030100_create_trending.js';
import * as indexPostLikesCreated from './20261203030200_index_post_likes_created.js';
import * as indexContributionsCreated from './20261203030300_index_contributions_created.js';
import * as createBlocks from './20261203040000_create_blocks.js';
import * as createMessages from './20261203040100_create_messages.js';
import * as indexContributionLikesUserNewest from './20261203050000_index_contribution_likes_user_newest.js';
import * as addUsersLanguage from './20261203060000_add_users_language.js';
import * as indexContributionsPostNewest from './20261204010000_index_contributions_post_newest.js';
import * as indexContributionsPostInMix from './20261205010000_index_contributions_post_in_mix.js';

/** Every migration in order; a new file is added here and never edited after it lands. */
export const migrations: Record<string, Knex.Migration> = {
  '20261122020000_create_accounts': createAccounts,
  '20261122020100_create_taxonomy': createTaxonomy,
  '20261122020200_seed_taxonomy': seedTaxonomy,
  '20261122020300_create_posts_and_tracks': createPostsAndTracks,
  '20261122030000_create_coproduction': createCoproduction,
  '20261201020000_count_job_attempts': countJobAttempts,
  '20261201040000_index_mix_version_tracks_version': indexMixVersionTracksVersion,
  '20261201040100_index_posts_genre_newest': indexPostsGenreNewest,
  '20261201040200_index_posts_instrument_newest': indexPostsInstrumentNewest,
  '20261201040300_index_tracks_processing': indexTracksProcessing,
  '20261201040400_index_mix_versions_rendering': indexMixVersionsRendering,
  '20261201040500_index_mix_version_tracks_contribution': indexMixVersionTracksContribution,
  '20261201040600_index_posts_author_track': indexPostsAuthorTrack,
  '20261201040700_index_posts_master_track': indexPostsMasterTrack,
  '20261201040800_index_mix_versions_master_track': indexMixVersionsMasterTrack,
  '20261201040900_index_tracks_owner': indexTracksOwner,
  '20261201041000_index_posts_current_mix_version': indexPostsCurrentMixVersion,
  '20261201060000_create_worker_heartbeats': createWorkerHeartbeats,
  '20261201070000_add_offsets_alignment_detection': addOffsetsAlignmentDetection,
  '20261202000000_create_pending_uploads': createPendingUploads,
  '20261202040000_create_nickname_history': createNicknameHistory,
  '20261202040100_create_musician_tags': createMusicianTags,
  '20261202040200_index_sessions_user': indexSessionsUser,
  '20261202030000_allow_accounts_without_password': allowAccountsWithoutPassword,
  '20261202030100_create_oidc_identities': createOidcIdentities,
  '20261202030200_create_rate_limits': createRateLimits,
  '20261202010000_create_account_tokens': createAccountTokens,
  '20261202020000_add_pictures': addPictures,
  '20261202050000_create_likes': createLikes,
  '20261202050100_create_follows': createFollows,
  '20261202050200_create_plays_pending': createPlaysPending,
  '20261202060000_enable_pg_trgm': enablePgTrgm,
  '20261202060100_index_posts_search_words': indexPostsSearchWords,
  '20261202060200_index_posts_title_trgm': indexPostsTitleTrgm,
  '20261202060300_index_users_nickname_trgm': indexUsersNicknameTrgm,
  '20261202060400_index_users_nickname_prefix': indexUsersNicknamePrefix,
  '20261202060500_index_user_instruments_instrument': indexUserInstrumentsInstrument,
  '20261203010000_create_comments': createComments,
  '20261203020000_create_notifications': createNotifications,
  '20261203030000_create_post_looking_for': createPostLookingFor,
  '20261203030100_create_trending': createTrending,
  '20261203030200_index_post_likes_created': indexPostLikesCreated,
  '20261203030300_index_contributions_created': indexContributionsCreated,
  '20261203040000_create_blocks': createBlocks,
  '20261203040100_create_messages': createMessages,
  '20261203050000_index_contribution_likes_user_newest': indexContributionLikesUserNewest,
  '20261203060000_add_users_language': addUsersLanguage,
  '20261204010000_index_contributions_post_newest': indexContributionsPostNewest,
  '20261205010000_index_contributions_post_in_mix': indexContributionsPostInMix,
};
