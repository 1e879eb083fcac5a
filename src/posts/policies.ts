/** Who may do what with a post: plain predicates the routes and the views share. */
type Actor = { id: number } | undefined;
type PostLike = { author_id: number };

export const isAuthor = (actor: Actor, post: PostLike) => actor !== undefined && actor.id === post.author_id;

/** Including/excluding parts, saving the mix and choosing the current master. */
export const canMixPost = isAuthor;

/** Any signed-in musician may add a part, the author too (a second take of their own). */
export const canContribute = (actor: Actor) => actor !== undefined;

/** Title, description, genre, instrument, BPM and key: the author's. */
export const canEditPost = isAuthor;

/** Deleting the whole song, with every part and master. */
export const canDeletePost = isAuthor;
