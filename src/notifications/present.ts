import type { TFunction } from 'i18next';
import { tFor, type Language } from '../web/i18n.js';
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

const song = (t: TFunction, r: NotificationRow) => r.post_title ?? t('notifications:deleted_song');
const part = (t: TFunction, r: NotificationRow) =>
  r.instrument ? t('notifications:instrument_part', { instrument: t(`taxonomy:instrument.${r.instrument_slug}`, { defaultValue: r.instrument }).toLowerCase() }) : t('notifications:part');
const someone = (t: TFunction, r: NotificationRow) => r.actor_nickname ?? t('notifications:someone');

/** "Ana liked", "Ana and Bo liked" (two: a name is clearer than "1 other"), "5 people liked". */
function likers(t: TFunction, r: NotificationRow): { who: string; detail: string | null } {
  const n = r.actors_count;
  if (n <= 1) return { who: someone(t, r), detail: null };
  const others = n - 1;
  return { who: t('notifications:people', { count: n }), detail: r.actor_nickname ? t('notifications:and_others', { name: r.actor_nickname, count: others }) : null };
}

/** In English unless a language is given (the page passes the reader's). */
export function presentNotification(r: NotificationRow, lng: Language = 'en'): PresentedNotification {
  const t = tFor(lng);
  const p = { actor: someone(t, r), part: part(t, r), song: song(t, r) };
  const songUrl = r.post_id ? `/posts/${r.post_id}` : '/';
  const partUrl = r.contribution_id ? `${songUrl}#contribution-${r.contribution_id}` : songUrl;
  let text: string;
  let detail: string | null = null;
  let url = songUrl;
  switch (r.kind) {
    case 'part_added':
      text = t('notifications:text.part_added', p);
      url = partUrl;
      break;
    case 'part_in_mix':
      text = t('notifications:text.part_in_mix', p);
      url = partUrl;
      break;
    case 'new_master':
      text = t('notifications:text.new_master', p);
      break;
    case 'comment':
      text = r.contribution_id ? t('notifications:text.comment_part', p) : t('notifications:text.comment', p);
      url = `${songUrl}#comment-${r.subject_id}`;
      break;
    case 'reply':
      text = t('notifications:text.reply', p);
      url = `${songUrl}#comment-${r.subject_id}`;
      break;
    case 'follower':
      text = t('notifications:text.follower', p);
      url = r.actor_nickname ? `/users/${encodeURIComponent(r.actor_nickname)}` : '/';
      break;
    case 'song_liked': {
      const l = likers(t, r);
      text = t('notifications:text.song_liked', { ...p, who: l.who });
      detail = l.detail;
      break;
    }
    case 'part_liked': {
      const l = likers(t, r);
      text = t('notifications:text.part_liked', { ...p, who: l.who });
      detail = l.detail;
      url = partUrl;
      break;
    }
  }
  return { id: r.id, text, detail, url, unread: r.read_at === null, at: r.updated_at };
}
