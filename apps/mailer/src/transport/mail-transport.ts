import { Inject, Injectable, Logger } from '@nestjs/common';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { createTransport, type Transporter } from 'nodemailer';
import type { SmtpJobSettings } from '@app/contracts';
import { openString, SEAL_PURPOSES } from '@app/core';
import { checkSmtpTarget, parseAllowedTargets } from '@app/core/mail/smtp-target.js';
import { MailerConfig } from '../mailer.config.js';

export interface OutgoingMail {
  messageId: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

/**
 * Where mail goes: a pooled SMTP transport when SMTP_HOST is set (one connection per message
 * costs a handshake each time), otherwise `.eml` files in MAIL_OUTBOX_DIR for local development.
 */
@Injectable()
export class MailTransport {
  private readonly logger = new Logger('MailTransport');
  private readonly smtp?: Transporter;
  private readonly files?: Transporter;
  /** pools to saved SMTP servers, by settings and resolved address; the newest few are kept */
  private readonly saved = new Map<string, Transporter>();
  private readonly allowed: Set<string>;

  constructor(@Inject(MailerConfig) private readonly config: MailerConfig) {
    this.allowed = parseAllowedTargets(config.SMTP_ALLOWED_TARGETS);
    if (config.SMTP_HOST) {
      this.smtp = createTransport({
        pool: true,
        maxConnections: config.SMTP_POOL_SIZE,
        host: config.SMTP_HOST,
        port: config.SMTP_PORT,
        secure: config.SMTP_SECURE,
        auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } : undefined,
        connectionTimeout: config.SMTP_CONNECTION_TIMEOUT_MS,
        greetingTimeout: config.SMTP_GREETING_TIMEOUT_MS,
        socketTimeout: config.SMTP_SOCKET_TIMEOUT_MS,
      });
      // A pooled connection that fails while idle must not become an unhandled 'error' event: the
      // job that needed it fails and BullMQ retries it.
      this.smtp.on('error', (err: Error) => this.logger.warn(`smtp transport: ${err.message}`));
    } else {
      this.files = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    }
  }

  get kind(): 'smtp' | 'files' {
    return this.smtp ? 'smtp' : 'files';
  }

  /**
   * Sends through the SMTP server saved in identity when the job carries one, else through the
   * environment's. A saved server is checked against the target policy again here, on the address
   * connected to, so a name that resolved to a public address at save time cannot now lead inside.
   */
  async send(mail: OutgoingMail, saved?: SmtpJobSettings): Promise<void> {
    if (saved) return this.sendSaved(mail, saved);
    const message = messageOf(mail, this.config.MAIL_FROM);
    if (this.smtp) {
      await this.smtp.sendMail(message);
      return;
    }
    const info = (await this.files!.sendMail(message)) as { message: Buffer };
    const dir = resolve(this.config.MAIL_OUTBOX_DIR);
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${mail.messageId.replace(/^<|@.*$/g, '').replace(/[^A-Za-z0-9.-]/g, '_')}.eml`);
    await writeFile(`${file}.tmp`, info.message);
    await rename(`${file}.tmp`, file);
    this.logger.log(`wrote ${mail.subject ? 'message' : 'empty message'} for ${mail.to} to ${file}`);
  }

  private async sendSaved(mail: OutgoingMail, saved: SmtpJobSettings): Promise<void> {
    const target = await checkSmtpTarget(saved.host, saved.port, this.allowed);
    if (!target.ok && target.reason !== 'unresolvable')
      throw new UnrecoverableError(`saved SMTP server refused by the target policy (${target.reason})`);
    if (!target.ok) throw new Error(`cannot resolve the saved SMTP server ${saved.host}`);
    // Another key than identity's (or a rotated one): retried, so fixing SMTP_SETTINGS_KEY in time loses nothing.
    const pass = openString(this.config.SMTP_SETTINGS_KEY, SEAL_PURPOSES.SMTP_PASSWORD, saved.password);
    if (pass === null) throw new Error("cannot open the saved SMTP password: SMTP_SETTINGS_KEY differs from identity's");
    const address = target.addresses[0]!;
    const key = JSON.stringify([saved.host, address, saved.port, saved.username, saved.password.ct]);
    let transport = this.saved.get(key);
    if (!transport) {
      const listed = this.allowed.has(`${saved.host.toLowerCase()}:${saved.port}`);
      transport = createTransport({
        pool: true,
        maxConnections: this.config.SMTP_POOL_SIZE,
        host: address,
        port: saved.port,
        secure: saved.port === 465,
        // a public server must offer TLS before the password goes out; a listed internal relay may not
        requireTLS: !listed && saved.port !== 465,
        tls: { servername: saved.host },
        auth: { user: saved.username, pass },
        connectionTimeout: this.config.SMTP_CONNECTION_TIMEOUT_MS,
        greetingTimeout: this.config.SMTP_GREETING_TIMEOUT_MS,
        socketTimeout: this.config.SMTP_SOCKET_TIMEOUT_MS,
      });
      transport.on('error', (err: Error) => this.logger.warn(`saved smtp transport: ${err.message}`));
      this.saved.set(key, transport);
      // settings change rarely: keep the newest four pools and close the rest
      for (const [k, t] of [...this.saved].slice(0, Math.max(0, this.saved.size - 4))) {
        t.close();
        this.saved.delete(k);
      }
    }
    await transport.sendMail(messageOf(mail, { name: saved.senderName, address: saved.senderEmail }));
  }

  /** Closes the pools; the worker calls it once its jobs in hand are done. */
  close(): void {
    this.smtp?.close();
    for (const t of this.saved.values()) t.close();
  }
}

/** The message nodemailer sends: the job's mail from the given sender. */
const messageOf = (mail: OutgoingMail, from: string | { name: string; address: string }) => ({
  from,
  to: mail.to,
  subject: mail.subject,
  html: mail.html,
  text: mail.text,
  messageId: mail.messageId,
  headers: mail.headers,
});
