import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('config', () => {
  it('applies the embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database.url).toBeUndefined();
    expect(config.s3.bucket).toBeUndefined();
    expect(config.maxUploadBytes).toBe(200 * 1024 * 1024);
    // Only the container's nginx is believed about the client's address and request id.
    expect(config.trustProxy).toBe('loopback');
    expect(config.requestTimeoutMs).toBe(30_000);
    expect(config.uploadTimeoutMs).toBe(3_600_000);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', MAX_UPLOAD_MB: '-1', DATABASE_URL: 'not a url' })).toThrowError(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', MAX_UPLOAD_MB: '-1', DATABASE_URL: 'not a url' });
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toContain('PORT');
      expect(message).toContain('MAX_UPLOAD_MB');
      expect(message).toContain('DATABASE_URL');
    }
  });

  it('requires a session secret in production and both S3 keys or neither', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrowError(/SESSION_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrowError(/DATABASE_URL: required in production[\s\S]*S3_BUCKET: required/);
    expect(() => loadConfig({ S3_ACCESS_KEY_ID: 'x' })).toThrowError(/S3_SECRET_ACCESS_KEY/);
  });

  it('bounds background jobs: 4 attempts unless set, at least 1', () => {
    expect(loadConfig({}).jobs.maxAttempts).toBe(4);
    expect(loadConfig({ JOB_MAX_ATTEMPTS: '2' }).jobs.maxAttempts).toBe(2);
    expect(() => loadConfig({ JOB_MAX_ATTEMPTS: '0' })).toThrowError(/JOB_MAX_ATTEMPTS/);
  });

  it('sends mail to the local outbox by default, but production must name a transport', () => {
    expect(loadConfig({ DATA_DIR: '/srv/data' }).mail).toMatchObject({ transport: 'outbox', dir: '/srv/data/mail' });
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrowError(/MAIL_TRANSPORT: required in production[\s\S]*PUBLIC_URL: required in production/);
    expect(() => loadConfig({ MAIL_TRANSPORT: 'smtp' })).toThrowError(/SMTP_URL: required[\s\S]*MAIL_FROM: required/);
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example' })).toThrowError(/SMTP_URL/);
    expect(loadConfig({ MAIL_TRANSPORT: 'ses', MAIL_FROM: 'a@b.test', S3_REGION: 'eu-west-1' }).mail).toMatchObject({ transport: 'ses', region: 'eu-west-1' });
    expect(loadConfig({ PUBLIC_URL: 'https://soundhub.example/' }).siteUrl).toBe('https://soundhub.example');
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
  });
});

describe('start-up with a bad variable', () => {
  it('prints which variable is wrong and exits with code 1', async () => {
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH, PORT: 'eighty', MAX_UPLOAD_MB: 'lots' },
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('MAX_UPLOAD_MB');
  });
});

describe('sign-in providers', () => {
  const provider = { id: 'corp', name: 'Corp ID', issuer: 'https://id.corp.example', clientId: 'c', clientSecret: 's' };

  it('has none unless configured; Google comes from its two variables, first', () => {
    expect(loadConfig({}).oidcProviders).toEqual([]);
    const config = loadConfig({ GOOGLE_CLIENT_ID: 'g-id', GOOGLE_CLIENT_SECRET: 'g-secret', OIDC_PROVIDERS: JSON.stringify([provider]), PUBLIC_URL: 'https://soundhub.example/' });
    expect(config.oidcProviders.map((p) => [p.id, p.issuer, p.scope])).toEqual([
      ['google', 'https://accounts.google.com', 'openid email profile'],
      ['corp', 'https://id.corp.example', 'openid email profile'],
    ]);
    expect(config.oidcRedirectOrigin).toBe('https://soundhub.example');
    expect(loadConfig({ PORT: '4000' }).oidcRedirectOrigin).toBe('http://localhost:4000');
  });

  it('names what is wrong with a provider list', () => {
    expect(() => loadConfig({ OIDC_PROVIDERS: '{not json' })).toThrowError(/OIDC_PROVIDERS: must be a JSON array/);
    expect(() => loadConfig({ OIDC_PROVIDERS: JSON.stringify([{ ...provider, issuer: 'http://id.corp.example' }]) })).toThrowError(/OIDC_PROVIDERS\.0\.issuer: issuer must be https/);
    expect(() => loadConfig({ OIDC_PROVIDERS: JSON.stringify([{ ...provider, id: 'welcome' }]) })).toThrowError(/OIDC_PROVIDERS\.0\.id/);
    expect(() => loadConfig({ OIDC_PROVIDERS: JSON.stringify([{ ...provider, clientSecret: '' }]) })).toThrowError(/OIDC_PROVIDERS\.0\.clientSecret/);
    expect(() => loadConfig({ OIDC_PROVIDERS: JSON.stringify([provider, provider]) })).toThrowError(/"corp" is configured twice/);
    expect(() => loadConfig({ GOOGLE_CLIENT_ID: 'only-the-id' })).toThrowError(/GOOGLE_CLIENT_SECRET: set both or neither/);
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgres://h/db', S3_BUCKET: 'bucket', OIDC_PROVIDERS: JSON.stringify([provider]) })).toThrowError(/PUBLIC_URL: required in production/);
    // Plain http only for a provider on this machine (the tests' own).
    expect(loadConfig({ OIDC_PROVIDERS: JSON.stringify([{ ...provider, issuer: 'http://127.0.0.1:9000' }]) }).oidcProviders).toHaveLength(1);
  });
});
