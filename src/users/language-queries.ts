import type { Db } from '../db/knex.js';
import { toLanguage, type Language } from '../web/i18n.js';

/** The language a musician's mails are written in: the one they chose, English without a choice. */
export async function languageOfUser(db: Db, userId: number): Promise<Language> {
  const row: { language: string | null } | undefined = await db('users').where({ id: userId }).first('language');
  return toLanguage(row?.language) ?? 'en';
}

/** Remembers the language a musician signed up in or chose with the switch. */
export async function setUserLanguage(db: Db, userId: number, language: Language): Promise<void> {
  await db('users').where({ id: userId }).whereRaw('language is distinct from ?', [language]).update({ language });
}
