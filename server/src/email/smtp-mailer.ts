/**
 * The SMTP transport, the only file that imports nodemailer (issue 13). nodemailer because it is
 * the maintained SMTP client for Node (STARTTLS, implicit TLS, AUTH, pooling, MIME with text and
 * HTML parts done right); writing MIME and SMTP by hand is where mail goes wrong.
 */
import nodemailer from 'nodemailer';
import type { SmtpConfig } from '../config.js';
import type { Mailer, OutgoingMail } from './mailer.js';

/** Each stage of an exchange gives up after this long: a stuck server must not hold an email's lease. */
const TIMEOUT_MS = 30_000;

export function createSmtpMailer(smtp: SmtpConfig, from: string): Mailer {
  const timeouts = { connectionTimeout: TIMEOUT_MS, greetingTimeout: TIMEOUT_MS, socketTimeout: TIMEOUT_MS };
  const transport = smtp.url
    ? nodemailer.createTransport({ url: smtp.url, ...timeouts })
    : nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port ?? (smtp.secure ? 465 : 587),
        secure: smtp.secure,
        auth: smtp.user ? { user: smtp.user, pass: smtp.pass ?? '' } : undefined,
        ...timeouts,
      });
  return {
    async send(mail: OutgoingMail) {
      await transport.sendMail({ from, ...mail });
    },
    async close() {
      transport.close();
    },
  };
}
