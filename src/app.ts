import path from 'node:path';
import { fileURLToPath } from 'node:url';
import connectPgSimple from 'connect-pg-simple';
import ejs from 'ejs';
import express from 'express';
import session from 'express-session';
import helmet, { xFrameOptions } from 'helmet';
import { pinoHttp } from 'pino-http';
import { configurePassport } from './auth/passport.js';
import { accountRoutes } from './auth/account-routes.js';
import { createOidcProviders } from './auth/oidc-client.js';
import { oidcRoutes } from './auth/oidc-routes.js';
import { authRoutes } from './auth/routes.js';
import { emailRoutes } from './auth/email-routes.js';
import type { Deps } from './deps.js';
import { touchSessionEvery } from './auth/session-touch.js';
import { contributionEditRoutes } from './contributions/edit-routes.js';
import { contributionLikeRoutes } from './contributions/like-routes.js';
import { countPlayOfTrack } from './contributions/plays.js';
import { contributionRoutes, contributionUploadRoutes } from './contributions/routes.js';
import { benchBaselineRoutes } from './feed/baseline-routes.js';
import { feedRoutes } from './feed/routes.js';
import { lookingForRoutes } from './feed/looking-for-routes.js';
import { devMailRoutes } from './mail/routes.js';
import { unreadBadge } from './notifications/badge.js';
import { notifyComment, notifyFollowed, notifyPartLiked, notifyPartsInMix, notifySongLiked } from './notifications/rules.js';
import { notificationRoutes } from './notifications/routes.js';
import { unsubscribeRoutes } from './notifications/unsubscribe-routes.js';
import { messageRoutes } from './messages/routes.js';
import { unreadMessagesBadge } from './messages/unread-badge.js';
import { searchRoutes } from './search/routes.js';
import { mixRoutes } from './mixes/routes.js';
import { songRoutes, takeUploadRoutes } from './mixes/song-routes.js';
import { postPageRoutes, postPageWithCommentForm } from './post-page/routes.js';
import { commentRoutes } from './comments/routes.js';
import { EMBED_PATH, embedRoutes } from './posts/embed-routes.js';
import { postLikeRoutes } from './posts/like-routes.js';
import { postRoutes, postUploadRoutes } from './posts/routes.js';
import { songCoverRoutes, songCoverUploadRoutes } from './posts/cover-routes.js';
import { drawnPictureRoutes } from './pictures/drawn-routes.js';
import { pictureRoutes } from './pictures/routes.js';
import { profilePictureRoutes, profilePictureUploadRoutes } from './users/picture-routes.js';
import { streamReportRoutes, trackRoutes } from './tracks/routes.js';
import { blockRoutes } from './users/block-routes.js';
import { userRoutes } from './users/routes.js';
import { profileSettingsRoutes } from './users/settings-routes.js';
import { profileShareRoutes } from './users/share-routes.js';
import { loadAssets } from './web/assets.js';
import { csrfLocals, csrfProtection } from './web/csrf.js';
import { sharedReads } from './web/shared-reads.js';
import { visitorPages } from './web/visitor-pages.js';
import { errorHandler, notFound } from './web/handler.js';
import { refuseNulBytes } from './web/clean-input.js';
import { healthRoutes } from './web/health.js';
import { requestMetrics } from './web/metrics.js';
import { requestIdFrom } from './web/request-id.js';
import { timeLimit } from './web/time-limit.js';
import { themeLocals } from './web/theme.js';
import { languageLocals, tFor, translateMessage } from './web/i18n.js';
import { rememberLanguageChoice } from './users/language-choice.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', fileURLToPath(import.meta.url).includes(`${path.sep}dist${path.sep}`) ? '..' : '.');
export const publicDir = path.join(root, 'public');
const viewsDir = path.join(root, 'views');

/** Builds the whole web app; the order of the middleware is the order of this function. */
export function createApp(deps: Deps): express.Express {
  const { config, db, log } = deps;
  const app = express();
  const passport = configurePassport(db);
  const oidcProviders = createOidcProviders(config.oidcProviders, config.oidcRedirectOrigin, log);

  app.set('trust proxy', config.trustProxy); // real client IP and https from the container's nginx
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  // Every mode: without it (as `npm start` ran) each template was compiled again for every
  // request, 42 % of a home page's CPU; a changed template now needs a restart.
  app.set('view cache', true);
  // Views include each other by absolute paths from the views folder: EJS resolves those
  // without a disk check, where a relative include costs an existsSync every time it runs (a
  // quarter of a busy song page's CPU). test/app/views.test.ts keeps every include absolute.
  // EJS copies a template's locals into a fresh null-prototype object on every include and
  // again inside it (for a song page's 300 includes of ~50 locals, 12 % of its CPU). The copy
  // made here, once per page, is that null-prototype object; `unsafePrototypeLocals` then skips
  // the second copy per template, and the prototype-pollution guard holds, as an include's
  // locals are a null-prototype copy too. `rmWhitespace` drops the templates' indentation at
  // compile time (never a value's: every <pre> and <textarea> is filled on one line).
  const ejsOptions = { root: viewsDir, cache: true, unsafePrototypeLocals: true, rmWhitespace: true };
  app.engine('ejs', (file, data, done) => ejs.renderFile(file, Object.assign(Object.create(null) as object, data), ejsOptions, done));
  app.disable('x-powered-by');
  app.locals.asset = loadAssets(publicDir);
  // Defaults so the error page renders even when a request failed before these were set.
  Object.assign(app.locals, { csrfToken: '', currentUser: null, currentPath: '', theme: null, unreadNotifications: '', unreadMessages: 0 });
  Object.assign(app.locals, { lang: 'en', t: tFor('en'), tm: (m: string, p?: Record<string, unknown>) => translateMessage('en', m, p), clientStrings: '{}' });

  // 0. Request count, time and 5xx per route group (EMF log lines + /metrics), timed from here.
  if (deps.metrics) app.use(requestMetrics(deps.metrics));
  // 1. A request id and one JSON log line per request.
  app.use(
    pinoHttp({
      logger: log,
      genReqId: requestIdFrom(app.get('trust proxy fn')),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      // A listener who skips ahead ends the stream early: that is normal, not an error.
      customLogLevel: (_req, res, err) => (!res.writableEnded ? 'debug' : res.statusCode === 503 ? 'warn' : err || res.statusCode >= 500 ? 'error' : 'info'),
    }),
  );
  // 1b. Every request has a time limit (long for uploads): 503 instead of a hanging browser.
  app.use(timeLimit({ requestMs: config.requestTimeoutMs, uploadMs: config.uploadTimeoutMs }));
  // 2. Health checks answer before sessions, so the load balancer never makes a session row.
  app.use(healthRoutes(deps));
  // 3. Security headers; audio may come from this origin and the media CDN. No site may frame
  //    a page (clickjacking) except the embeddable player, which exists to be framed.
  const mediaSrc = ["'self'", 'blob:', ...(config.mediaOrigin ? [config.mediaOrigin] : [])];
  const embeddable = (url: string | undefined) => EMBED_PATH.test((url ?? '').split('?')[0]!);
  const denyFraming = xFrameOptions({ action: 'deny' });
  app.use(
    helmet({
      xFrameOptions: false,
      contentSecurityPolicy: {
        directives: {
          'frame-ancestors': [(req) => (embeddable(req.url) ? '*' : "'none'")],
          'media-src': mediaSrc,
          'img-src': ["'self'", 'data:', 'blob:', ...(config.mediaOrigin ? [config.mediaOrigin] : [])],
          'connect-src': mediaSrc,
          'font-src': ["'self'"], // the typefaces are bundled into public/build (no font host)
          'upgrade-insecure-requests': config.env === 'production' ? [] : null,
        },
      },
      strictTransportSecurity: config.env === 'production',
    }),
  );
  app.use((req, res, next) => (embeddable(req.url) ? next() : denyFraming(req, res, next)));
  // 4. Static files (nginx serves these in the container; this is for `npm start`).
  app.use('/public', express.static(publicDir, { maxAge: '1y', immutable: true, index: false }));
  // 4b. Uploaded pictures (public, immutable keys): before sessions, so the images of a page
  //     never cost a session lookup each.
  app.use(pictureRoutes(deps));
  app.use(drawnPictureRoutes());
  // 5. Bodies of plain forms and JSON (multipart is parsed by the upload routes themselves).
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.use(express.json({ limit: '100kb' }));
  // 5b. No NUL characters in paths, query strings or bodies (PostgreSQL text can't hold them).
  app.use(refuseNulBytes);
  // 6. Sessions in PostgreSQL, shared by every process and instance. A session is made only
  //    when something is stored in it (sign-in, a form's CSRF token): readers get no row and
  //    no cookie. A used one is written at most every SESSION_TOUCH_SECONDS, not per request.
  const PgStore = connectPgSimple(session);
  app.use(
    session({
      name: 'soundhub.sid',
      store: new PgStore({ pool: deps.pool, tableName: 'sessions', createTableIfMissing: false, pruneSessionInterval: 15 * 60, disableTouch: true }),
      secret: config.sessionSecret,
      resave: false,
      saveUninitialized: false,
      rolling: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: 30 * 24 * 3600 * 1000 },
    }),
  );
  app.use(touchSessionEvery(config.sessionTouchSeconds * 1000));
  // 7. Who is signed in; the CSRF token (when the session has one) and user reach every view.
  app.use(passport.session());
  app.use(csrfLocals);
  app.use((req, res, next) => {
    res.locals.currentUser = req.user ? { nickname: req.user.nickname, url: `/users/${encodeURIComponent(req.user.nickname)}`, verified: req.user.verified } : null;
    res.locals.currentPath = req.path;
    next();
  });
  // 7a. The header switch's theme (a cookie), so the page is rendered in it without a flash.
  app.use(themeLocals);
  // 7a'. The language (cookie, then Accept-Language): `t` for views, `tm` for messages.
  app.use(rememberLanguageChoice(db));
  app.use(languageLocals);
  // 7a''. Reads shared between viewers for a moment; a musician who just changed something reads their own.
  app.use(sharedReads(config.sharedReadSeconds));
  // 7a'''. Pages for visitors without a session, shared for as long (nginx shares only cookieless ones).
  app.use(visitorPages(config.sharedReadSeconds));
  // 7b. The unread notifications badge, counted only when a signed-in page is rendered.
  app.use(unreadBadge(db, log));
  // 7c. The header's unread-message count, counted when a page renders (not for streams or JSON).
  app.use(unreadMessagesBadge(db));
  // 8. The only routes that parse multipart themselves check the CSRF token in multer's file
  //    filter (web/csrf.ts uploadRoute); every other state change is checked right after,
  //    whatever its content type.
  app.use(postUploadRoutes(deps));
  app.use(contributionUploadRoutes(deps));
  app.use(takeUploadRoutes(deps));
  app.use(songCoverUploadRoutes(deps));
  app.use(profilePictureUploadRoutes(deps));
  // The digest's one-click unsubscribe: mail programs post it with no session or token (see the route).
  app.use(unsubscribeRoutes(deps));
  // nginx's report of the bytes of a stream it sent (AUDIO_VIA_NGINX): a signed note, no session.
  app.use(streamReportRoutes(deps, { onPlay: countPlayOfTrack }));
  app.use(csrfProtection);
  // 9. The product, one router per part.
  app.use(authRoutes(deps, passport, oidcProviders));
  app.use(oidcRoutes(deps, oidcProviders));
  app.use(emailRoutes(deps));
  // The local outbox's reader exists only where the outbox is the transport (never in production).
  if (config.mail.transport === 'outbox' && config.env !== 'production') app.use(devMailRoutes(config.mail.dir));
  app.use(feedRoutes(deps));
  if (config.benchBaselineRoute) app.use(benchBaselineRoutes());
  app.use(lookingForRoutes(deps));
  app.use(searchRoutes(deps));
  app.use(postRoutes(deps));
  app.use(postPageRoutes(deps)); // after postRoutes: /posts/new is not a post id
  app.use(embedRoutes(deps));
  app.use(contributionRoutes(deps));
  app.use(mixRoutes(deps, { onMixSaved: (versionId) => notifyPartsInMix(db, versionId) }));
  app.use(songRoutes(deps));
  app.use(contributionEditRoutes(deps));
  app.use(postLikeRoutes(deps, { onLiked: (like) => notifySongLiked(db, like) }));
  app.use(contributionLikeRoutes(deps, { onLiked: (like) => notifyPartLiked(db, like) }));
  app.use(
    commentRoutes(deps, postPageWithCommentForm(deps), {
      onCommented: ({ comment, audience }) =>
        notifyComment(db, { commentId: comment.id, postId: comment.post_id, contributionId: comment.contribution_id, parentAuthorId: audience.repliedToAuthorId, actorId: comment.author_id }),
    }),
  );
  app.use(trackRoutes(deps, { onPlay: countPlayOfTrack }));
  app.use(userRoutes(deps, { onFollowed: (follow) => notifyFollowed(db, follow) }));
  app.use(profileShareRoutes(deps));
  app.use(blockRoutes(deps));
  app.use(messageRoutes(deps));
  app.use(profileSettingsRoutes(deps));
  app.use(notificationRoutes(deps));
  app.use(accountRoutes(deps));
  app.use(songCoverRoutes(deps));
  app.use(profilePictureRoutes(deps));
  // 10. Nothing matched: 404; anything thrown: the error page or JSON.
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
