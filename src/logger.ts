import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

/** JSON lines on stdout; secrets that may pass through request logs are redacted. */
export function createLogger(config: Pick<Config, 'logLevel'>, name: string): Logger {
  return pino({
    name,
    level: config.logLevel,
    redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
  });
}
