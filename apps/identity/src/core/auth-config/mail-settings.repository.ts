import { Injectable } from '@nestjs/common';
import type { EmailTemplate, SealedValue, SendEmailJob } from '@app/contracts';
import { type Queryable, Sql, type Tx } from '@app/core';

export interface SmtpRow {
  uid: string;
  enabled: boolean;
  host: string;
  port: number;
  username: string;
  passwordSealed: SealedValue | null;
  senderEmail: string;
  senderName: string;
  minIntervalSeconds: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface TemplateRow {
  uid: string;
  templateType: EmailTemplate;
  /** null: the built-in template */
  subject: string | null;
  bodyHtml: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const SMTP_COLUMNS = `uid, enabled, host, port, username, password_sealed AS "passwordSealed", sender_email AS "senderEmail",
  sender_name AS "senderName", min_interval_seconds AS "minIntervalSeconds", created_at AS "createdAt", updated_at AS "updatedAt"`;
const TEMPLATE_COLUMNS = `uid, template_type AS "templateType", subject, body_html AS "bodyHtml", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** The mail settings saved through the admin API: singleton SMTP row and one row per template kind (seeded). */
@Injectable()
export class MailSettingsRepository {
  constructor(private readonly sql: Sql) {}

  async smtp(q: Queryable = this.sql, forUpdate = false): Promise<SmtpRow> {
    const [row] = await q.query<SmtpRow>(
      forUpdate ? 'smtp-config-lock' : 'smtp-config',
      `SELECT ${SMTP_COLUMNS} FROM identity.smtp_config WHERE id = 1${forUpdate ? ' FOR UPDATE' : ''}`,
    );
    if (!row) throw new Error('identity.smtp_config has no row: run the migrations');
    return row;
  }

  async saveSmtp(q: Tx, s: Omit<SmtpRow, 'uid' | 'createdAt' | 'updatedAt'>): Promise<SmtpRow> {
    const [row] = await q.query<SmtpRow>(
      'smtp-config-save',
      `UPDATE identity.smtp_config SET enabled = $1, host = $2, port = $3, username = $4, password_sealed = $5,
              sender_email = $6, sender_name = $7, min_interval_seconds = $8, updated_at = now()
       WHERE id = 1 RETURNING ${SMTP_COLUMNS}`,
      [s.enabled, s.host, s.port, s.username, s.passwordSealed, s.senderEmail, s.senderName, s.minIntervalSeconds],
    );
    return row!;
  }

  templates(): Promise<TemplateRow[]> {
    return this.sql.query<TemplateRow>(
      'email-templates',
      `SELECT ${TEMPLATE_COLUMNS} FROM identity.email_templates ORDER BY template_type`,
    );
  }

  async saveTemplate(q: Tx, type: EmailTemplate, subject: string, bodyHtml: string): Promise<TemplateRow> {
    const [row] = await q.query<TemplateRow>(
      'email-template-save',
      `UPDATE identity.email_templates SET subject = $2, body_html = $3, updated_at = now()
       WHERE template_type = $1 RETURNING ${TEMPLATE_COLUMNS}`,
      [type, subject, bodyHtml],
    );
    if (!row) throw new Error('identity.email_templates has no row for a known type: run the migrations');
    return row;
  }

  /**
   * What a mail requested now goes out with: the enabled SMTP settings and the saved template, in
   * one statement (one snapshot) of the caller's transaction, so the mail carries a consistent set.
   */
  async snapshot(tx: Tx, template: EmailTemplate): Promise<Pick<SendEmailJob, 'smtp' | 'custom'>> {
    const [row] = await tx.query<
      Pick<SmtpRow, 'enabled' | 'host' | 'port' | 'username' | 'passwordSealed' | 'senderEmail' | 'senderName'> & {
        subject: string | null;
        bodyHtml: string | null;
      }
    >(
      'mail-settings-snapshot',
      `SELECT s.enabled, s.host, s.port, s.username, s.password_sealed AS "passwordSealed", s.sender_email AS "senderEmail",
              s.sender_name AS "senderName", t.subject, t.body_html AS "bodyHtml"
       FROM identity.smtp_config s LEFT JOIN identity.email_templates t ON t.template_type = $1
       WHERE s.id = 1`,
      [template],
    );
    if (!row) return {};
    return {
      ...(row.enabled && row.passwordSealed
        ? {
            smtp: {
              host: row.host,
              port: row.port,
              username: row.username,
              password: row.passwordSealed,
              senderEmail: row.senderEmail,
              senderName: row.senderName,
            },
          }
        : {}),
      ...(row.subject !== null && row.bodyHtml !== null ? { custom: { subject: row.subject, html: row.bodyHtml } } : {}),
    };
  }
}
