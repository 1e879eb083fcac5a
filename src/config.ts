import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { resolveAudioTools } from './audio/tools.js';
import { oidcProvidersSchema, type OidcProviderConfig } from './auth/oidc-config.js';

/**
 * Every environment variable SoundHub reads, checked once at start. Nothing else in the
 * code reads `process.env`. Unset DATABASE_URL / S3_BUCKET mean "embedded defaults":
 * a local PostgreSQL and S3 endpoint under DATA_DIR (see src/embedded.ts).
 */
const schema = z.object({
  /** `production` turns on secure cookies and requires SESSION_SECRET. */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Port the web process listens on. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface to bind; the container binds loopback behind its nginx. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** The site's public origin, used in links and the CSP (e.g. https://soundhub.example). */
  PUBLIC_URL: z.url().optional(),
  /** postgres://user:pass@host:5432/db. Unset: embedded PostgreSQL in DATA_DIR/pg. */
  DATABASE_URL: z.url().optional(),
  /** PEM file of the CA that signs the database's TLS certificate (RDS CA bundle). */
  DATABASE_CA_FILE: z.string().min(1).optional().refine((p) => !p || existsSync(p), 'file not found'),
  /** Largest database pool per process. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /** Private bucket holding every uploaded and generated file. Unset: local S3 endpoint. */
  S3_BUCKET: z.string().min(3).optional(),
  /** S3-compatible endpoint (MinIO, s3rver); unset means AWS S3 in S3_REGION. */
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  /** Credentials; unset uses the AWS default chain (instance role on Elastic Beanstalk). */
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Extra origin allowed to serve media in the CSP (a CloudFront domain). */
  MEDIA_ORIGIN: z.url().optional(),
  /**
   * `true` where nginx stands in front (the container's entrypoint sets it): audio answers hand
   * nginx a short-lived signed S3 URL in X-Accel-Redirect and nginx moves the bytes (nginx.conf,
   * location /_media/). `false` (npm start, tests): the web process streams the object itself.
   */
  AUDIO_VIA_NGINX: z.enum(['true', 'false'], 'must be true or false').default('false'),
  /** Signs session cookies; at least 32 characters. Required in production. */
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /**
   * A signed-in session's row and cookie are extended at most this often, not on every
   * request (sessions still end after 30 days without a visit). Tests set a few seconds.
   */
  SESSION_TOUCH_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /**
   * How long a web process shares what every viewer reads alike (lists of songs, a song's
   * parts, a profile's songs) and the pages of visitors without a session between requests;
   * a musician's own changes show at once (src/web/shared-reads.ts, src/web/visitor-pages.ts).
   * 0 reads PostgreSQL and renders for every request.
   */
  SHARED_READ_SECONDS: z.coerce.number().min(0).max(60).default(2),
  /**
   * OpenID Connect providers musicians may sign in with, as a JSON array of
   * `{"id","name","issuer","clientId","clientSecret"}` (optional `"scope"`). Each one's
   * redirect URI is `<PUBLIC_URL>/auth/<id>/callback`. Unset: no provider buttons.
   */
  OIDC_PROVIDERS: oidcProvidersSchema.optional(),
  /** Google sign-in (a "Web application" OAuth client); the same as a `google` entry in OIDC_PROVIDERS. */
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  /** Length of the window the sign-in and sign-up limits count in. */
  AUTH_LIMIT_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** Wrong passwords for one email (from any address) before it is refused with 429 until the window ends. */
  AUTH_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Wrong passwords from one address (IPv6: its /56) before its further wrong ones get 429; a right password still signs in. */
  AUTH_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(100),
  /** Sign-up attempts from one address in a window (accounts made with a provider count too). */
  SIGNUPS_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(30),
  /** Sign-up attempts for one email address in a window. */
  SIGNUPS_PER_EMAIL: z.coerce.number().int().min(1).max(10_000).default(5),
  /** Direct messages one musician may send in an hour, to anyone; the next ones get 429 until the hour ends. */
  MESSAGES_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(120),
  /** Conversations one musician may start (first message to someone new) in a day. */
  NEW_CONVERSATIONS_PER_DAY: z.coerce.number().int().min(1).max(100_000).default(30),
  /** Largest accepted upload in megabytes (nginx's client_max_body_size must match). */
  MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(2048).default(200),
  /**
   * Uploads whose audio a web process checks (ffprobe + a decode) at the same time; the rest
   * wait their turn. Bounds the CPU and memory a burst of uploads takes from page requests.
   */
  UPLOAD_CHECKS_AT_ONCE: z.coerce.number().int().min(1).max(64).default(2),
  /** ffmpeg / ffprobe binaries; default: the system's, else the ones shipped on npm. */
  FFMPEG_PATH: z.string().min(1).optional(),
  FFPROBE_PATH: z.string().min(1).optional(),
  /**
   * Proxies whose X-Forwarded-* and X-Request-Id are believed (Express `trust proxy` syntax).
   * Loopback: the container's nginx, which works out the client's address itself. Widen it
   * (e.g. `loopback, 10.0.0.0/8`) only when another proxy connects to Node directly.
   */
  TRUST_PROXY: z.string().min(1).default('loopback'),
  /** A page or JSON answer not started within this many seconds is answered 503. */
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** The same limit for multipart uploads, and the longest time to receive any request body. */
  UPLOAD_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(86_400).default(3600),
  /** Where embedded PostgreSQL and S3 keep their files. */
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  EMBEDDED_S3_PORT: z.coerce.number().int().min(1).max(65535).default(4569),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Time one attempt at a track or master may take. Its ffmpeg runs are ended a little
   * before (see jobDeadlineMs); a job still running after it is taken as lost and retried.
   */
  JOB_EXPIRE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Attempts at a track or master before it is `failed` with a reason its musician sees. */
  /** Uploaded tracks one worker processes at the same time (each runs its ffmpeg steps one by one). */
  WORKER_TRACK_JOBS: z.coerce.number().int().min(1).max(16).default(2),
  JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(4),
  /** How often the worker looks for lost jobs and tracks left without one. */
  JOB_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** First retry delay; doubles with each attempt. */
  JOB_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  /** Web processes pm2 starts in the container (default: one per CPU). */
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(cpus().length),
  /**
   * Base port of the Prometheus /metrics endpoints (0 turns them off): the worker listens on
   * it, web process i (pm2's NODE_APP_INSTANCE) on METRICS_PORT + 1 + i.
   */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** Interface of the /metrics endpoints; loopback keeps them on the instance. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Set by pm2 in cluster mode: which web process this is (0, 1, …). */
  NODE_APP_INSTANCE: z.coerce.number().int().min(0).max(1000).default(0),
  /** How long /readyz reuses its database and bucket check (0: check on every hit). */
  READYZ_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(5),
  /** How often the worker writes its heartbeat row; /readyz calls it stale after 3 missed beats. */
  WORKER_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /**
   * How mail leaves: `smtp` (SMTP_URL), `ses` (Amazon SES v2 in MAIL_SES_REGION) or `outbox`
   * (each message written as an .eml file under MAIL_OUTBOX_DIR and listed at /dev/mail).
   * Unset: the outbox, except in production, which must name its transport.
   */
  MAIL_TRANSPORT: z.enum(['smtp', 'ses', 'outbox']).optional(),
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465. Required for `smtp`. */
  SMTP_URL: z.url().refine((u) => /^smtps?:\/\//.test(u), 'must start with smtp:// or smtps://').optional(),
  /** The sender of every mail, e.g. `SoundHub <no-reply@soundhub.example>`. Required for smtp/ses. */
  MAIL_FROM: z.string().min(3).optional(),
  /** SES region; unset: S3_REGION. Credentials come from the AWS default chain (instance role). */
  MAIL_SES_REGION: z.string().min(1).optional(),
  /** Folder of the outbox transport's .eml files; unset: DATA_DIR/mail. */
  MAIL_OUTBOX_DIR: z.string().min(1).optional(),
  /** Attempts at sending one mail before it is given up (retried with a doubling delay from JOB_RETRY_DELAY_SECONDS). */
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  /**
   * A notification waits this long before the hourly digest mail may carry it: time to see
   * it on the site first (a read one is not mailed), and for a burst to go out as one mail.
   */
  NOTIFICATION_DIGEST_DELAY_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /**
   * `true` adds GET /bench/baseline: the home layout with fixed cards and no database work,
   * the yardstick bench/pages.ts measures every page against. Only the bench sets it.
   */
  BENCH_BASELINE_ROUTE: z.enum(['true', 'false']).default('false'),
});

export type Env = z.infer<typeof schema>;

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  publicUrl: string | undefined;
  database: { url: string | undefined; caFile: string | undefined; poolMax: number };
  s3: {
    bucket: string | undefined;
    endpoint: string | undefined;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  };
  mediaOrigin: string | undefined;
  /** Audio bytes go from S3 to the listener through nginx (X-Accel-Redirect), not through Node. */
  audioViaNginx: boolean;
  sessionSecret: string | undefined;
  sessionTouchSeconds: number;
  sharedReadSeconds: number;
  /** Configured OpenID Connect providers (Google first when set), in sign-in page order. */
  oidcProviders: readonly OidcProviderConfig[];
  /** Origin the OIDC redirect URIs are built on: PUBLIC_URL, else http://localhost:PORT. */
  oidcRedirectOrigin: string;
  authLimits: { windowSeconds: number; failuresPerAccount: number; failuresPerAddress: number; signUpsPerAddress: number; signUpsPerEmail: number };
  messageLimits: { perHour: number; newConversationsPerDay: number };
  maxUploadBytes: number;
  uploadChecksAtOnce: number;
  audio: { ffmpegPath: string; ffprobePath: string };
  trustProxy: string;
  requestTimeoutMs: number;
  uploadTimeoutMs: number;
  dataDir: string;
  embedded: { pgPort: number; s3Port: number };
  logLevel: Env['LOG_LEVEL'];
  webConcurrency: number;
  /** The /metrics endpoint: `port` is the base (0: off); `instance` is pm2's web process index. */
  metrics: { host: string; port: number; instance: number };
  readyzCacheSeconds: number;
  workerHeartbeatSeconds: number;
  jobs: { expireSeconds: number; maxAttempts: number; maintenanceSeconds: number; retryDelaySeconds: number; trackJobsAtOnce: number };
  /** Where links in mail point: PUBLIC_URL, or this machine's port when unset (development). */
  siteUrl: string;
  mail: MailConfig;
  notifications: { digestDelaySeconds: number };
  /** GET /bench/baseline is served (bench/pages.ts only). */
  benchBaselineRoute: boolean;
}

export type MailConfig = { from: string; maxAttempts: number } & (
  | { transport: 'smtp'; smtpUrl: string }
  | { transport: 'ses'; region: string }
  | { transport: 'outbox'; dir: string }
);

/**
 * The config once the embedded services are resolved (src/runtime.ts): there is always a
 * database, a bucket and a session secret. Everything past start-up works with this type.
 */
export interface RuntimeConfig extends Config {
  database: Config['database'] & { url: string };
  s3: Config['s3'] & { bucket: string };
  sessionSecret: string;
}

/** The config as it stands when nothing needs embedding; undefined while something is missing. */
export function asRuntimeConfig(config: Readonly<Config>): Readonly<RuntimeConfig> | undefined {
  const { database, s3, sessionSecret } = config;
  if (!database.url || !s3.bucket || !sessionSecret) return undefined;
  return Object.freeze({ ...config, database: { ...database, url: database.url }, s3: { ...s3, bucket: s3.bucket }, sessionSecret });
}

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError listing every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  // Empty strings count as unset, as an operator who writes `FOO=` expects.
  const env = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.NODE_ENV === 'production' && !e.SESSION_SECRET) problems.push('  SESSION_SECRET: required in production');
  // Production never falls back to the embedded database or bucket.
  if (e.NODE_ENV === 'production' && !e.DATABASE_URL) problems.push('  DATABASE_URL: required in production');
  if (e.NODE_ENV === 'production' && !e.S3_BUCKET) problems.push('  S3_BUCKET: required in production');
  if (Boolean(e.S3_ACCESS_KEY_ID) !== Boolean(e.S3_SECRET_ACCESS_KEY)) {
    problems.push('  S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY: set both or neither');
  }
  if (Boolean(e.GOOGLE_CLIENT_ID) !== Boolean(e.GOOGLE_CLIENT_SECRET)) problems.push('  GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET: set both or neither');
  const oidcProviders = [...(e.GOOGLE_CLIENT_ID && e.GOOGLE_CLIENT_SECRET ? [googleProvider(e.GOOGLE_CLIENT_ID, e.GOOGLE_CLIENT_SECRET)] : []), ...(e.OIDC_PROVIDERS ?? [])];
  const duplicate = oidcProviders.find((p, i) => oidcProviders.findIndex((q) => q.id === p.id) !== i);
  if (duplicate) problems.push(`  OIDC_PROVIDERS: provider id "${duplicate.id}" is configured twice (GOOGLE_CLIENT_ID makes "google")`);
  // Redirect URIs must name the site's real origin; only local runs may guess it.
  if (e.NODE_ENV === 'production' && oidcProviders.length && !e.PUBLIC_URL) problems.push('  PUBLIC_URL: required in production when sign-in providers are configured');
  // Production mail must go somewhere a person reads: never the local outbox by default.
  const transport = e.MAIL_TRANSPORT ?? (e.NODE_ENV === 'production' ? undefined : 'outbox');
  if (!transport) problems.push('  MAIL_TRANSPORT: required in production (smtp or ses)');
  if (e.NODE_ENV === 'production' && !e.PUBLIC_URL) problems.push('  PUBLIC_URL: required in production (links in mail point there)');
  if (transport === 'smtp' && !e.SMTP_URL) problems.push('  SMTP_URL: required when MAIL_TRANSPORT is smtp');
  if ((transport === 'smtp' || transport === 'ses') && !e.MAIL_FROM) problems.push(`  MAIL_FROM: required when MAIL_TRANSPORT is ${transport}`);
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);

  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL,
    database: { url: e.DATABASE_URL, caFile: e.DATABASE_CA_FILE, poolMax: e.DATABASE_POOL_MAX },
    s3: {
      bucket: e.S3_BUCKET,
      endpoint: e.S3_ENDPOINT,
      region: e.S3_REGION,
      credentials:
        e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
          ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
          : undefined,
    },
    mediaOrigin: e.MEDIA_ORIGIN,
    audioViaNginx: e.AUDIO_VIA_NGINX === 'true',
    sessionSecret: e.SESSION_SECRET,
    sessionTouchSeconds: e.SESSION_TOUCH_SECONDS,
    sharedReadSeconds: e.SHARED_READ_SECONDS,
    oidcProviders,
    oidcRedirectOrigin: new URL(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).origin,
    authLimits: {
      windowSeconds: e.AUTH_LIMIT_WINDOW_MINUTES * 60,
      failuresPerAccount: e.AUTH_FAILURES_PER_ACCOUNT,
      failuresPerAddress: e.AUTH_FAILURES_PER_ADDRESS,
      signUpsPerAddress: e.SIGNUPS_PER_ADDRESS,
      signUpsPerEmail: e.SIGNUPS_PER_EMAIL,
    },
    messageLimits: { perHour: e.MESSAGES_PER_HOUR, newConversationsPerDay: e.NEW_CONVERSATIONS_PER_DAY },
    maxUploadBytes: e.MAX_UPLOAD_MB * 1024 * 1024,
    uploadChecksAtOnce: e.UPLOAD_CHECKS_AT_ONCE,
    audio: resolveAudioTools(source),
    trustProxy: e.TRUST_PROXY,
    requestTimeoutMs: e.REQUEST_TIMEOUT_SECONDS * 1000,
    uploadTimeoutMs: e.UPLOAD_TIMEOUT_SECONDS * 1000,
    dataDir: e.DATA_DIR,
    embedded: { pgPort: e.EMBEDDED_PG_PORT, s3Port: e.EMBEDDED_S3_PORT },
    logLevel: e.LOG_LEVEL,
    webConcurrency: e.WEB_CONCURRENCY,
    metrics: { host: e.METRICS_HOST, port: e.METRICS_PORT, instance: e.NODE_APP_INSTANCE },
    readyzCacheSeconds: e.READYZ_CACHE_SECONDS,
    workerHeartbeatSeconds: e.WORKER_HEARTBEAT_SECONDS,
    jobs: { expireSeconds: e.JOB_EXPIRE_SECONDS, maxAttempts: e.JOB_MAX_ATTEMPTS, maintenanceSeconds: e.JOB_MAINTENANCE_SECONDS, retryDelaySeconds: e.JOB_RETRY_DELAY_SECONDS, trackJobsAtOnce: e.WORKER_TRACK_JOBS },
    siteUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    mail: mailConfig(e, transport!),
    notifications: { digestDelaySeconds: e.NOTIFICATION_DIGEST_DELAY_SECONDS },
    benchBaselineRoute: e.BENCH_BASELINE_ROUTE === 'true',
  });
}

function googleProvider(clientId: string, clientSecret: string): OidcProviderConfig {
  return { id: 'google', name: 'Google', issuer: 'https://accounts.google.com', clientId, clientSecret, scope: 'openid email profile' };
}

function mailConfig(e: Env, transport: 'smtp' | 'ses' | 'outbox'): MailConfig {
  const common = { from: e.MAIL_FROM ?? 'SoundHub <no-reply@soundhub.localhost>', maxAttempts: e.MAIL_MAX_ATTEMPTS };
  if (transport === 'smtp') return { ...common, transport, smtpUrl: e.SMTP_URL! };
  if (transport === 'ses') return { ...common, transport, region: e.MAIL_SES_REGION ?? e.S3_REGION };
  return { ...common, transport, dir: e.MAIL_OUTBOX_DIR ?? path.join(e.DATA_DIR, 'mail') };
}

/** For entry points: load the config or print why not and exit 1. */
export function loadConfigOrExit(): Readonly<Config> {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
