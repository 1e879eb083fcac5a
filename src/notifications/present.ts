import type { NotificationRow } from './queries.js';

/** One notification as words and a link, the same on the page and in the digest. */
export interface PresentedNotification {
  id: number;
  text: string;
  /** For grouped likes: who, when the text counts people ("Ana and 4 others"). */
  detail: string | null;
  /** A path on this site. */
  url: string;
  unread: boolean;
  at: Date;
}

const song = (r: NotificationRow) => r.post_title ?? 'a deleted song';
const part = (r: NotificationRow) => (r.instrument ? `${r.instrument.toLowerCase()} part` : 'part');
const someone = (r: NotificationRow) => r.actor_nickname ?? 'Someone';

/** "Ana liked", "Ana and Bo liked" (two: a name is clearer than "1 other"), "5 people liked". */
function likers(r: NotificationRow): { who: string; detail: string | null } {
  const n = r.actors_count;
  if (n <= 1) return { who: someone(r), detail: null };
  const others = n - 1;
  return { who: `${n} people`, detail: r.actor_nickname ? `${r.actor_nickname} and ${others} ${others === 1 ? 'other' : 'others'}` : null };
}

export function presentNotification(r: NotificationRow): PresentedNotification {
  const songUrl = r.post_id ? `/posts/${r.post_id}` : '/';
  const partUrl = r.contribution_id ? `${songUrl}#contribution-${r.contribution_id}` : songUrl;
  let text: string;
  let detail: string | null = null;
  let url = songUrl;
  switch (r.kind) {
    case 'part_added':
      text = `${someone(r)} added a ${part(r)} to ${song(r)}`;
      url = partUrl;
      break;
    case 'part_in_mix':
      text = `${someone(r)} put your ${part(r)} into the mix of ${song(r)}`;
      url = partUrl;
      break;
    case 'new_master':
      text = `A new master of ${song(r)}, which you play on, is out`;
      break;
    case 'comment':
      text = r.contribution_id ? `${someone(r)} commented on the ${part(r)} of ${song(r)}` : `${someone(r)} commented on ${song(r)}`;
      url = `${songUrl}#comment-${r.subject_id}`;
      break;
    case 'reply':
      text = `${someone(r)} replied to your comment on ${song(r)}`;
      url = `${songUrl}#comment-${r.subject_id}`;
      break;
    case 'follower':
      text = `${someone(r)} started following you`;
      url = r.actor_nickname ? `/users/${encodeURIComponent(r.actor_nickname)}` : '/';
      break;
    case 'song_liked': {
      const l = likers(r);
      text = `${l.who} liked ${song(r)}`;
      detail = l.detail;
      break;
    }
    case 'part_liked': {
      const l = likers(r);
      text = `${l.who} liked your ${part(r)} in ${song(r)}`;
      detail = l.detail;
      url = partUrl;
      break;
    }
  }
  return { id: r.id, text, detail, url, unread: r.read_at === null, at: r.updated_at };
}
