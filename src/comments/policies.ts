/** Who may do what with comments: plain predicates the routes and the views share. */
type Actor = { id: number; verified?: boolean } | undefined;

/** Any signed-in musician with a proven address (as for posting songs and parts). */
export const canComment = (actor: Actor) => actor !== undefined && actor.verified === true;

/** The one who wrote it, or the song's author (it is their page). */
export const canDeleteComment = (actor: Actor, comment: { author_id: number }, post: { author_id: number }) =>
  actor !== undefined && (actor.id === comment.author_id || actor.id === post.author_id);
