/** What a musician can be told about. */
export const KINDS = ['part_added', 'part_in_mix', 'new_master', 'comment', 'reply', 'follower', 'song_liked', 'part_liked'] as const;
export type NotificationKind = (typeof KINDS)[number];

/**
 * The kinds worth a mail (the hourly digest). Likes are not: they are many, small, and
 * grouped on the page instead. The migration's partial index names the same list.
 */
export const MAILED_KINDS: readonly NotificationKind[] = ['part_added', 'part_in_mix', 'new_master', 'comment', 'reply', 'follower'];

/** Likes share one row per liked thing, whoever likes it. */
export const GROUPED_KINDS: readonly NotificationKind[] = ['song_liked', 'part_liked'];
