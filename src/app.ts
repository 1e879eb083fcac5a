import path from 'node:path';
import { fileURLToPath } from 'node:url';
import connectPgSimple from 'connect-pg-simple';
import express from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import { configurePassport } from './auth/passport.js';
import { authRoutes } from './auth/routes.js';
import type { Deps } from './deps.js';
import { contributionEditRoutes } from './contributions/edit-routes.js';
import { contributionRoutes } from './contributions/routes.js';
import { feedRoutes } from './feed/routes.js';
import { mixRoutes } from './mixes/routes.js';
import { songRoutes } from './mixes/song-routes.js';
import { postRoutes } from './posts/routes.js';
import { trackRoutes } from './tracks/routes.js';
import { userRoutes } from './users/routes.js';
import { loadAssets } from './web/assets.js';
import { csrfLocals, csrfProtection } from './web/csrf.js';
import { errorHandler, notFound } from './web/handler.js';
import { healthRoutes } from './web/health.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', fileURLToPath(import.meta.url).includes(`${path.sep}dist${path.sep}`) ? '..' : '.');
export const publicDir = path.join(root, 'public');
const viewsDir = path.join(root, 'views');

/** Builds the whole web app; the order of the middleware is the order of this function. */
export function createApp(deps: Deps): express.Express {
  const { config, db, log } = deps;
  const app = express();
  const passport = configurePassport(db);

  app.set('trust proxy', config.trustProxy); // real client IP and https from ELB + nginx
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  app.disable('x-powered-by');
  app.locals.asset = loadAssets(publicDir);
  // Defaults so the error page renders even when a request failed before these were set.
  Object.assign(app.locals, { csrfToken: '', currentUser: null, currentPath: '' });

  // 1. A request id and one JSON log line per request.
  app.use(
    pinoHttp({
      logger: log,
      genReqId: (req, res) => {
        const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );
  // 2. Health checks answer before sessions, so the load balancer never makes a session row.
  app.use(healthRoutes(deps));
  // 3. Security headers; audio may come from this origin and the media CDN.
  const mediaSrc = ["'self'", 'blob:', ...(config.mediaOrigin ? [config.mediaOrigin] : [])];
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'media-src': mediaSrc,
          'img-src': ["'self'", 'data:', 'blob:', ...(config.mediaOrigin ? [config.mediaOrigin] : [])],
          'connect-src': mediaSrc,
          'upgrade-insecure-requests': config.env === 'production' ? [] : null,
        },
      },
      strictTransportSecurity: config.env === 'production',
    }),
  );
  // 4. Static files (nginx serves these in the container; this is for `npm start`).
  app.use('/public', express.static(publicDir, { maxAge: '1y', immutable: true, index: false }));
  // 5. Bodies of plain forms and JSON (multipart is parsed by the upload routes themselves).
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.use(express.json({ limit: '100kb' }));
  // 6. Sessions in PostgreSQL, shared by every process and instance.
  const PgStore = connectPgSimple(session);
  app.use(
    session({
      name: 'soundhub.sid',
      store: new PgStore({ pool: deps.pool, tableName: 'sessions', createTableIfMissing: false, pruneSessionInterval: 15 * 60 }),
      secret: config.sessionSecret!,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: 30 * 24 * 3600 * 1000 },
    }),
  );
  // 7. Who is signed in.
  app.use(passport.session());
  // 8. CSRF token on every state change; the token and user reach every view.
  app.use(csrfProtection);
  app.use(csrfLocals);
  app.use((req, res, next) => {
    res.locals.currentUser = req.user ? { nickname: req.user.nickname, url: `/users/${encodeURIComponent(req.user.nickname)}` } : null;
    res.locals.currentPath = req.path;
    next();
  });
  // 9. The product, one router per part.
  app.use(authRoutes(deps, passport));
  app.use(feedRoutes(deps));
  app.use(postRoutes(deps));
  app.use(contributionRoutes(deps));
  app.use(mixRoutes(deps));
  app.use(songRoutes(deps));
  app.use(contributionEditRoutes(deps));
  app.use(trackRoutes(deps));
  app.use(userRoutes(deps));
  // 10. Nothing matched: 404; anything thrown: the error page or JSON.
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
