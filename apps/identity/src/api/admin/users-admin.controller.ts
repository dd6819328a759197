import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  type AdminUserResponse,
  AdminUserResponseDto,
  DeleteUsersRequest,
  DeleteUsersResponseDto,
  ListUsersQuery,
  USERS_DELETE_MAX_IDS,
  USERS_LIST_MAX_LIMIT,
  type UsersPage,
  UsersPageDto,
} from '@app/contracts';
import { invalidInput, ReqMeta, type RequestMeta } from '@app/core';
import { AdminGuard, type AdminRequest } from '../../core/credentials/admin.guard.js';
import { type AdminAct, UserAdminService } from '../../core/user-admin/user-admin.service.js';
import { ApiInsforgeErrors, BEARER_AUTH } from '../../openapi/openapi.decorators.js';
import { ApiAdminErrors, API_KEY_AUTH } from './admin-openapi.js';

/** InsForge answers any id that is not a UUID with this 400. */
const UserIdParam = () => Param('userId', new ParseUUIDPipe({ exceptionFactory: () => invalidInput('Invalid user ID format') }));

/** Who acts, as AdminGuard found it, with the request: for the audit log. */
const act = (req: AdminRequest, meta: RequestMeta): AdminAct => ({ actor: req.actor ?? { type: 'admin', id: null }, meta });

/**
 * User management (InsForge's admin routes under /api/auth/users, plus our ban and unban): an
 * admin access token or an API key (as Bearer or `x-api-key`); a user's token is a 403.
 */
@ApiTags('admin')
@ApiBearerAuth(BEARER_AUTH)
@ApiSecurity(API_KEY_AUTH)
@ApiAdminErrors()
@UseGuards(AdminGuard)
@Controller('api/auth/users')
export class UsersAdminController {
  constructor(private readonly users: UserAdminService) {}

  @ApiOperation({
    summary: 'List all users (admin only)',
    description:
      'Newest first. `search` matches a case-insensitive substring of the email or of the profile name, literally (`%` and `_` ' +
      `are no wildcards). Ours: \`limit\` is at most ${USERS_LIST_MAX_LIMIT} (InsForge has no bound); a larger one is lowered, and ` +
      '`pagination.limit` says which was applied.',
  })
  @ApiOkResponse({ type: UsersPageDto })
  @ApiInsforgeErrors({ 400: 'A query parameter given twice, or a search longer than 320 characters' })
  @Get()
  list(@Query() q: ListUsersQuery): Promise<UsersPage> {
    return this.users.list(q);
  }

  @ApiOperation({ summary: 'Get specific user', description: 'Get user details by ID (admin only)' })
  @ApiParam({ name: 'userId', format: 'uuid', description: 'User ID' })
  @ApiOkResponse({ type: AdminUserResponseDto, description: 'The user (InsForge’s user object, plus our `bannedAt`)' })
  @ApiInsforgeErrors({ 400: 'Invalid user ID format', 404: 'User does not exist (AUTH_USER_NOT_FOUND)' })
  @Get(':userId')
  get(@UserIdParam() userId: string): Promise<AdminUserResponse> {
    return this.users.get(userId);
  }

  @ApiOperation({
    summary: 'Delete users (admin only)',
    description:
      'Deletes the users among `userIds` that exist (others are ignored): every session of both APIs ends at once, the profile ' +
      `is removed and the email is free for a new sign-up (a new user, a new id). Ours: at most ${USERS_DELETE_MAX_IDS} ids at once.`,
  })
  @ApiOkResponse({ type: DeleteUsersResponseDto })
  @ApiInsforgeErrors({ 400: 'userIds missing, empty, too long, or holding an id that is not a UUID' })
  @Delete()
  @HttpCode(200)
  delete(@Body() body: DeleteUsersRequest, @Req() req: AdminRequest, @ReqMeta() meta: RequestMeta) {
    return this.users.delete(body.userIds, act(req, meta));
  }

  @ApiOperation({
    summary: 'Ban a user (ours: InsForge has no bans)',
    description:
      'Revokes every session of both APIs at once; until unbanned the user cannot sign in (password or emailed code), refresh ' +
      'or use an access token. A sign-in answers 403 AUTH_USER_BANNED only after the password or code was proven. Idempotent.',
  })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiOkResponse({ type: AdminUserResponseDto })
  @ApiInsforgeErrors({ 400: 'Invalid user ID format', 404: 'User does not exist (AUTH_USER_NOT_FOUND)' })
  @Post(':userId/ban')
  @HttpCode(200)
  ban(@UserIdParam() userId: string, @Req() req: AdminRequest, @ReqMeta() meta: RequestMeta): Promise<AdminUserResponse> {
    return this.users.ban(userId, act(req, meta));
  }

  @ApiOperation({
    summary: 'Lift a user’s ban (ours)',
    description: 'The user may sign in again; the sessions the ban revoked stay revoked. Idempotent.',
  })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiOkResponse({ type: AdminUserResponseDto })
  @ApiInsforgeErrors({ 400: 'Invalid user ID format', 404: 'User does not exist (AUTH_USER_NOT_FOUND)' })
  @Post(':userId/unban')
  @HttpCode(200)
  unban(@UserIdParam() userId: string, @Req() req: AdminRequest, @ReqMeta() meta: RequestMeta): Promise<AdminUserResponse> {
    return this.users.unban(userId, act(req, meta));
  }
}
