import { Injectable, Logger } from '@nestjs/common';
import { EMAIL_TEMPLATES, type EmailTemplate, type EmailTemplateResponse } from '@app/contracts';
import { invalidInput, Sql } from '@app/core';
import { DEFAULT_TEMPLATES } from '@app/core/mail/default-templates.js';
import { checkSavedTemplate } from '@app/core/mail/templates.js';
import { AuditLog } from '../audit/audit-log.js';
import type { AdminChange } from './admin-change.js';
import { MailSettingsRepository, type TemplateRow } from './mail-settings.repository.js';

const toResponse = (r: TemplateRow): EmailTemplateResponse => ({
  id: r.uid,
  templateType: r.templateType,
  subject: r.subject ?? DEFAULT_TEMPLATES[r.templateType].subject,
  bodyHtml: r.bodyHtml ?? DEFAULT_TEMPLATES[r.templateType].html,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/**
 * The five mail templates as admins edit them: the built-in one until a template is saved. A
 * template is checked with the mailer's own engine before it is stored, so one that does not
 * render (unknown variable, helper or partial, bad syntax) is refused here and never fails a mail.
 */
@Injectable()
export class EmailTemplates {
  private readonly logger = new Logger('EmailTemplates');

  constructor(
    private readonly sql: Sql,
    private readonly repo: MailSettingsRepository,
    private readonly audit: AuditLog,
  ) {}

  async list(): Promise<EmailTemplateResponse[]> {
    const rows = await this.repo.templates();
    return EMAIL_TEMPLATES.map((t) => rows.find((r) => r.templateType === t)).flatMap((r) => (r ? [toResponse(r)] : []));
  }

  async save(type: EmailTemplate, subject: string, bodyHtml: string, change: AdminChange): Promise<EmailTemplateResponse> {
    try {
      checkSavedTemplate(subject, bodyHtml);
    } catch (err) {
      throw invalidInput(
        `Template does not render: ${String((err as Error).message)
          .split('\n')[0]!
          .slice(0, 300)}`,
      );
    }
    const row = await this.sql.transaction(async (q) => {
      const saved = await this.repo.saveTemplate(q, type, subject, bodyHtml);
      await this.audit.record(q, { type: 'email_template.updated', actor: change.actor, targetId: type, meta: change.meta });
      return saved;
    });
    this.logger.log({ templateType: type }, 'email template saved');
    return toResponse(row);
  }
}
