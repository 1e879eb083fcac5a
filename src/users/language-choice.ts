import type { RequestHandler } from 'express';
import type { Db } from '../db/knex.js';
import { toLanguage } from '../web/i18n.js';
import { setUserLanguage } from './language-queries.js';

/**
 * Before languageLocals (src/web/i18n.ts) answers the footer's switch (`?lang=`) with its
 * cookie, a signed-in musician's choice is kept on their account too, for the mails.
 */
export function rememberLanguageChoice(db: Db): RequestHandler {
  return (req, res, next) => {
    const asked = req.method === 'GET' && req.user ? toLanguage(req.query.lang) : null;
    if (!asked) return next();
    setUserLanguage(db, req.user!.id, asked).then(() => next(), next);
  };
}
