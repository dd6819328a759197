import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

/**
 * Every kind of security event the audit log records (ours: InsForge has no audit log). Stored in
 * rows and used as filters, so frozen like queue names: add new ones, never rename.
 */
export const AUDIT_EVENT_TYPES = [
  /** a session was issued for a proven credential (details.method: password, email_code, gorb_password, …) */
  'sign_in.succeeded',
  /** a credential was checked and refused (rate-limited attempts never reach the check, so never get here) */
  'sign_in.failed',
  /** a rotated refresh token was replayed after the grace window: its session was revoked */
  'refresh_token.reused',
  /** a password was reset with a code or link; every session of the user was revoked */
  'password.reset',
  /** a session ended on request (details.reason: logout, user_revoked, device_revoked, …) */
  'session.revoked',
  'user.created',
  'user.deleted',
  'user.banned',
  'user.unbanned',
  'admin.sign_in.succeeded',
  'admin.sign_in.failed',
  'admin.signed_out',
  'config.updated',
  'smtp_config.updated',
  'email_template.updated',
  'oauth_config.updated',
  'api_key.rotated',
  'anon_key.rotated',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export const AUDIT_ACTOR_TYPES = ['user', 'admin', 'api_key', 'anonymous', 'system'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

export const AUDIT_PAGE_MAX = 100;
const TYPE_LIST = new RegExp(
  `^(${AUDIT_EVENT_TYPES.map((t) => t.replace(/\./g, '\\.')).join('|')})(,(${AUDIT_EVENT_TYPES.map((t) => t.replace(/\./g, '\\.')).join('|')})){0,${AUDIT_EVENT_TYPES.length - 1}}$`,
);

/** `GET /api/auth/admin/audit`: filters and a keyset page. */
export class AuditListQuery {
  @ApiPropertyOptional({
    description: `Event types, comma separated (any of: ${AUDIT_EVENT_TYPES.join(', ')})`,
    example: 'sign_in.failed,refresh_token.reused',
  })
  @IsOptional()
  @IsString()
  @Matches(TYPE_LIST, { message: 'must be event types separated by commas' })
  type?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTOR_TYPES, description: 'Who acted' })
  @IsOptional()
  @IsIn(AUDIT_ACTOR_TYPES)
  actorType?: AuditActorType;

  @ApiPropertyOptional({ maxLength: 128, description: 'The acting user’s, admin’s or API key’s id' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  actorId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The user the events are about' })
  @IsOptional()
  @IsUUID('all', { message: 'must be a UUID' })
  userId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events at or after this time' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events before this time' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'must be an ISO 8601 date-time' })
  to?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: AUDIT_PAGE_MAX, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be an integer' })
  @Min(1)
  @Max(AUDIT_PAGE_MAX)
  limit?: number;

  @ApiPropertyOptional({ maxLength: 256, description: 'The `nextCursor` of the previous page, with the same filters' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  cursor?: string;
}

export class AuditActorDto {
  @ApiProperty({ enum: AUDIT_ACTOR_TYPES })
  type: AuditActorType;

  @ApiProperty({ type: 'string', nullable: true, description: 'user id, admin subject or API key id; null when anonymous or system' })
  id: string | null;
}

/** One audit event. */
export class AuditEventDto {
  @ApiProperty({ description: 'Position in the log (a 64-bit integer as a string); newer events have larger ids' })
  id: string;

  @ApiProperty({ enum: AUDIT_EVENT_TYPES })
  type: AuditEventType;

  @ApiProperty({ format: 'date-time' })
  occurredAt: string;

  @ApiProperty({ type: AuditActorDto })
  actor: AuditActorDto;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'The user the event is about' })
  targetUserId: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'What else it is about: a session id, a template type, a key id' })
  targetId: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'The client address (forwarded headers count only from TRUSTED_PROXIES)' })
  ip: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  userAgent: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'The X-Request-Id of the request that caused it' })
  requestId: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Small, non-secret facts (method, reason, changed field names); never a password, token or code',
  })
  details: Record<string, string | number | boolean | null | string[]>;
}

/** `GET /api/auth/admin/audit` */
export class AuditListResponseDto {
  @ApiProperty({ type: [AuditEventDto], description: 'Newest first' })
  events: AuditEventDto[];

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Pass as `cursor` (with the same filters) for the next page; null on the last',
  })
  nextCursor: string | null;
}
