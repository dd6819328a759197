import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  type EmailTemplateResponse,
  EmailTemplateDto,
  EmailTemplateListDto,
  EmailTemplateTypeParam,
  UpdateEmailTemplateRequest,
} from '@app/contracts';
import { EmailTemplates } from '../../core/auth-config/email-templates.service.js';
import type { AdminChange } from '../../core/auth-config/admin-change.js';
import { AdminGuard } from '../../core/credentials/admin.guard.js';
import { BEARER_AUTH } from '../../openapi/openapi.decorators.js';
import { AdminChangeOf } from './admin-actor.js';
import { API_KEY_AUTH, ApiAdminErrors } from './admin-openapi.js';

/** `GET /api/auth/email-templates`, `PUT /api/auth/email-templates/:type`: the five mail templates. */
@ApiTags('admin')
@ApiBearerAuth(BEARER_AUTH)
@ApiSecurity(API_KEY_AUTH)
@UseGuards(AdminGuard)
@Controller('api/auth/email-templates')
export class EmailTemplatesController {
  constructor(private readonly templates: EmailTemplates) {}

  @ApiOperation({ summary: 'List the five mail templates (admin); a kind never saved shows the built-in template' })
  @ApiOkResponse({ type: EmailTemplateListDto })
  @ApiAdminErrors()
  @Get()
  async list(): Promise<{ data: EmailTemplateResponse[] }> {
    return { data: await this.templates.list() };
  }

  @ApiOperation({
    summary: 'Save a mail template (admin)',
    description:
      'Handlebars: `{{ token }}`, `{{ link }}`, `{{ name }}`, `{{ email }}`, the branding variables and `#if`/`#unless`; values are HTML-escaped. ' +
      'A template that does not render (unknown variable, helper or partial, `{{{ }}}`, bad syntax) is refused. The mailer uses it for mail requested afterwards.',
  })
  @ApiOkResponse({ type: EmailTemplateDto })
  @ApiAdminErrors({
    400: 'Invalid template type, invalid input, or a template that does not render (INVALID_INPUT)',
    404: 'A type segment that names no route (such as an encoded path)',
  })
  @Put(':type')
  save(
    @Param() params: EmailTemplateTypeParam,
    @Body() body: UpdateEmailTemplateRequest,
    @AdminChangeOf() change: AdminChange,
  ): Promise<EmailTemplateResponse> {
    return this.templates.save(params.type, body.subject, body.bodyHtml, change);
  }
}
