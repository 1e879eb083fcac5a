import { isAuthor } from '../posts/policies.js';

type Actor = { id: number } | undefined;

/** The musician who played the part, or the post's author, may take it down. */
export const canDeleteContribution = (actor: Actor, contribution: { contributor_id: number }, post: { author_id: number }) =>
  actor !== undefined && (actor.id === contribution.contributor_id || isAuthor(actor, post));

/** Only the uploader sees the warnings about their own part (clipping, sample rate). */
export const canSeeTrackWarnings = (actor: Actor, track: { owner_id: number }) => actor !== undefined && actor.id === track.owner_id;

/** Only the musician who played the part edits its note and instrument or replaces its take. */
export const canEditContribution = (actor: Actor, contribution: { contributor_id: number }) => actor !== undefined && actor.id === contribution.contributor_id;
