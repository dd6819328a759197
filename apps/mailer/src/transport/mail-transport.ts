import { Inject, Injectable, Logger } from '@nestjs/common';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';
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

  constructor(@Inject(MailerConfig) private readonly config: MailerConfig) {
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

  async send(mail: OutgoingMail): Promise<void> {
    const message = {
      from: this.config.MAIL_FROM,
      to: mail.to,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      messageId: mail.messageId,
      headers: mail.headers,
    };
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

  /** Closes the pool; the worker calls it once its jobs in hand are done. */
  close(): void {
    this.smtp?.close();
  }
}
