import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AuditListQuery, AuditListResponseDto } from '@app/contracts';
import { AdminGuard } from '../../core/credentials/admin.guard.js';
import { AuditQuery } from '../../core/audit/audit-query.service.js';
import { BEARER_AUTH } from '../../openapi/openapi.decorators.js';
import { ApiAdminErrors, API_KEY_AUTH } from './admin-openapi.js';

/** `GET /api/auth/admin/audit` (ours: InsForge has no audit log). */
@ApiTags('admin')
@Controller('api/auth/admin/audit')
export class AuditAdminController {
  constructor(private readonly audit: AuditQuery) {}

  @ApiOperation({
    summary: 'The audit log (ours)',
    description:
      'Security events, newest first: sign-ins and refused sign-ins, refresh-token reuse, password resets, revoked sessions, ' +
      'account changes, admin sign-ins, configuration and key changes, each with its actor, target, IP, user agent and request id. ' +
      'Filter by type, actor, target user and time; page with `nextCursor` (keyset: stable while events are added).',
  })
  @ApiBearerAuth(BEARER_AUTH)
  @ApiOkResponse({ type: AuditListResponseDto })
  @ApiSecurity(API_KEY_AUTH)
  @ApiAdminErrors({
    400: 'An invalid filter, `limit` out of 1..100, or a cursor that is not one of ours or was made for other filters (INVALID_INPUT)',
  })
  @UseGuards(AdminGuard)
  @Get()
  list(@Query() q: AuditListQuery) {
    return this.audit.list(q);
  }
}
