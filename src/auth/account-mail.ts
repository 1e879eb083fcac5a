import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config.js';
import type { Db } from '../db/knex.js';
import type { AccountMail } from '../jobs/queue.js';
import type { Mail, Mailer } from '../mail/mailer.js';
import { accountExistsMail, changeEmailMail, emailChangeNoticeMail, passwordResetMail, verifyEmailMail } from '../mail/messages.js';
import { findLoginByEmail, findUserById } from '../users/queries.js';
import { deleteToken } from './token-queries.js';
import { mintToken } from './tokens.js';
import { languageOfUser } from '../users/language-queries.js';

interface MailDeps {
  db: Db;
  config: Pick<RuntimeConfig, 'siteUrl'>;
  mailer: Mailer;
  log: Pick<Logger, 'info'>;
}

/**
 * The worker's side of an account mail: look the account up now (it may be gone), mint the
 * link's token, send. A send that throws removes its token and the job is retried, so
 * a failed attempt leaves no working link behind that nobody received.
 */
export async function sendAccountMail(job: AccountMail, { db, config, mailer, log }: MailDeps): Promise<void> {
  const site = config.siteUrl;
  const link = (path: string, token: string) => `${site}${path}?token=${encodeURIComponent(token)}`;
  let tokenId: number | undefined;
  let mail: Mail | undefined;

  if (job.kind === 'password-reset') {
    // Asked for by anyone with an address: nothing is sent when it has no account.
    const user = await findLoginByEmail(db, job.email);
    if (user) {
      const { token, id } = await mintToken(db, { userId: user.id, purpose: 'reset-password', email: user.email });
      tokenId = id;
      mail = passwordResetMail(user.email, { nickname: user.nickname, url: link('/password/reset', token) }, await languageOfUser(db, user.id));
    }
  } else {
    const user = await findUserById(db, job.userId);
    if (!user) return; // the account was deleted before its mail went out
    const lng = await languageOfUser(db, user.id);
    if (job.kind === 'verify-email') {
      if (user.verified) return;
      const { token, id } = await mintToken(db, { userId: user.id, purpose: 'verify-email', email: user.email });
      tokenId = id;
      mail = verifyEmailMail(user.email, { nickname: user.nickname, url: link('/verify-email', token) }, lng);
    } else if (job.kind === 'account-exists') {
      mail = accountExistsMail(user.email, { nickname: user.nickname, loginUrl: `${site}/login`, resetUrl: `${site}/password/forgot` }, lng);
    } else if (job.kind === 'change-email') {
      const { token, id } = await mintToken(db, { userId: user.id, purpose: 'change-email', email: user.email, newEmail: job.newEmail });
      tokenId = id;
      mail = changeEmailMail(job.newEmail, { nickname: user.nickname, url: link('/verify-email', token) }, lng);
    } else {
      mail = emailChangeNoticeMail(user.email, { nickname: user.nickname, newEmail: job.newEmail, resetUrl: `${site}/password/forgot` }, lng);
    }
  }
  if (!mail) return;
  try {
    await mailer.send(mail);
  } catch (err) {
    if (tokenId !== undefined) await deleteToken(db, tokenId);
    throw err;
  }
  log.info({ kind: job.kind, tokenId }, 'account mail sent');
}
