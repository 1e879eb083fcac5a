import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps.js';
import { listGenres, listInstruments } from '../posts/taxonomy.js';
import { requireUser } from '../web/auth-guard.js';
import { ValidationFailed, type FieldErrors } from '../web/errors.js';
import { validate } from '../web/validate.js';
import { editProfile } from './edit-profile.js';
import { listMusicianTags } from './profile-queries.js';
import { findUserById } from './queries.js';
import { BIO_MAX, profileSchema } from './schemas.js';

const wantsJson = (req: Request) => req.accepts(['html', 'json']) === 'json';

interface ProfileValues {
  nickname: string;
  bio: string;
  instruments: string[];
  genres: string[];
}

/** GET|POST /settings: the musician's public profile (nickname, bio, instruments, genres). */
export function profileSettingsRoutes({ db }: Deps): Router {
  const router = Router();

  const render = async (res: Response, status: number, values: ProfileValues, errors: FieldErrors, saved = false) => {
    const [instruments, genres] = await Promise.all([listInstruments(db), listGenres(db)]);
    res.status(status).render('settings/profile', { title: 'Profile settings', section: 'profile', values, errors, saved, instruments, genres, bioMax: BIO_MAX });
  };

  router.get('/settings', requireUser, async (req, res) => {
    const user = await findUserById(db, req.user!.id);
    const tags = await listMusicianTags(db, req.user!.id);
    const values = { nickname: user!.nickname, bio: user!.bio, instruments: tags.instruments.map((t) => t.slug), genres: tags.genres.map((t) => t.slug) };
    await render(res, 200, values, {}, req.query.saved === '1');
  });

  router.post('/settings', requireUser, async (req, res) => {
    try {
      await editProfile(req.user!, validate(profileSchema, req.body ?? {}), { db });
    } catch (err) {
      if (!(err instanceof ValidationFailed) || wantsJson(req)) throw err;
      return render(res, 422, submitted(req.body), err.fields);
    }
    req.log.info({ userId: req.user!.id }, 'profile edited');
    if (wantsJson(req)) return res.json({ saved: true });
    res.redirect(303, '/settings?saved=1');
  });

  return router;
}

/** What the form sent, to show it again beside its errors. */
function submitted(body: Record<string, unknown> | undefined): ProfileValues {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const list = (v: unknown) => (Array.isArray(v) ? v.map(text) : typeof v === 'string' ? [v] : []);
  return { nickname: text(body?.nickname), bio: text(body?.bio), instruments: list(body?.instruments), genres: list(body?.genres) };
}
