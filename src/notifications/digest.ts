import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config.js';
import type { Db } from '../db/knex.js';
import type { DigestMail, JobQueue } from '../jobs/queue.js';
import type { Mailer } from '../mail/mailer.js';
import { notificationDigestMail } from '../mail/messages.js';
import { claimDigest, listDigestRecipients, sendDigestOnce } from './digest-queries.js';
import { presentNotification } from './present.js';
import { listDigestNotifications } from './queries.js';
import { unsubscribeUrl } from './unsubscribe-link.js';
import { languageOfUser } from '../users/language-queries.js';

/**
 * The digest job (the worker queues it every sweep, one run at a time): each musician with
 * mailed kinds of notifications that are unread, unmailed and older than the delay, and no
 * digest in the last hour, gets one digest with all of them. The digest row is written with
 * its items before its mail is queued, so no notification is mailed twice; a mail job that
 * could not be queued is logged, and its items stay on the page.
 */
export async function sendDueDigests({ db, jobs, config, log }: { db: Db; jobs: Pick<JobQueue, 'sendMail'>; config: Pick<RuntimeConfig, 'notifications'>; log: Pick<Logger, 'warn' | 'info'> }): Promise<number> {
  const delay = config.notifications.digestDelaySeconds;
  let queued = 0;
  for (const userId of await listDigestRecipients(db, delay)) {
    const digestId = await claimDigest(db, userId, delay);
    if (digestId === undefined) continue;
    try {
      await jobs.sendMail({ kind: 'notification-digest', digestId });
      queued++;
    } catch (err) {
      log.warn({ err, digestId, userId }, 'could not queue a notification digest; its notifications stay on the page');
    }
  }
  if (queued) log.info({ queued }, 'notification digests queued');
  return queued;
}

/** The mail job's side: render the digest's notifications and send it, once. */
export async function sendDigestMail(
  job: DigestMail,
  { db, config, mailer, log }: { db: Db; config: Pick<RuntimeConfig, 'siteUrl' | 'sessionSecret'>; mailer: Mailer; log: Pick<Logger, 'info'> },
): Promise<void> {
  await sendDigestOnce(db, job.digestId, async (digest) => {
    // Turned off after the digest was written: nothing goes out.
    if (digest.opted_out) return false;
    const rows = await listDigestNotifications(db, digest.id);
    if (rows.length === 0) return false;
    const site = config.siteUrl;
    // The letter in the recipient's language; its lines are the notifications page's words.
    const lng = await languageOfUser(db, digest.user_id);
    const items = rows.map((r) => presentNotification(r, lng)).map((n) => ({ text: n.text, url: `${site}${n.url}` }));
    await mailer.send(
      notificationDigestMail(digest.email, {
        nickname: digest.nickname,
        items,
        pageUrl: `${site}/notifications`,
        settingsUrl: `${site}/settings/notifications`,
        unsubscribeUrl: unsubscribeUrl(site, config.sessionSecret, digest.user_id),
      }, lng),
    );
    log.info({ digestId: digest.id, items: items.length }, 'notification digest sent');
    return true;
  });
}
