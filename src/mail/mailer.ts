import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import nodemailer from 'nodemailer';
import type { MailConfig } from '../config.js';
import { writeToOutbox } from './outbox.js';

/** One message: always a plain-text body, and the same words as HTML. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra header lines (List-Unsubscribe on a digest). */
  headers?: Record<string, string>;
}

/** Whatever carries mail out; `send` resolves once the transport has accepted the message. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/**
 * The transport the config names. SMTP and SES go through nodemailer, so both build the
 * same MIME message (text + HTML alternatives); the outbox writes that message to a file.
 */
export function createMailer(config: MailConfig): Mailer {
  if (config.transport === 'outbox') {
    const dir = config.dir;
    return { send: (mail) => writeToOutbox(dir, { from: config.from, ...mail }).then(() => undefined), close: () => {} };
  }
  const transport =
    config.transport === 'smtp'
      ? // A refused or dropped connection fails fast; the mail job's retry does the waiting.
        nodemailer.createTransport({ url: config.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 })
      : nodemailer.createTransport({ SES: { sesClient: new SESv2Client({ region: config.region }), SendEmailCommand } });
  return {
    async send(mail) {
      await transport.sendMail({ from: config.from, ...mail });
    },
    close: () => transport.close(),
  };
}
