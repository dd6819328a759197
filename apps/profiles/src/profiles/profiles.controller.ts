import { Body, Controller, Get, Header, Headers, Param, Patch, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, type Principal, Public } from '@app/auth';
import { ProfileResponseDto, UpdateProfileRequestDto } from '@app/contracts';
import { ApiInsforgeErrors, BEARER_AUTH, ReqMeta, type RequestMeta } from '@app/core';
import { etagOf, PROFILE_CACHE_CONTROL, sendCacheable } from './conditional-get.js';
import { type ProfileResponse, toProfileResponse } from './profile.mapper.js';
import { PROFILE_LIMITS, type ProfilePatch } from './profile-rules.js';
import { ProfilePatchPipe, UserIdPipe } from './profiles.pipes.js';
import { ProfilesService } from './profiles.service.js';

/** The validators a read sends, with its 200 and its 304. */
const CACHE_HEADERS = {
  ETag: { description: 'A weak validator of the profile’s version, for `If-None-Match`', schema: { type: 'string', example: etagOf(3) } },
  'Cache-Control': {
    description: 'Any cache may keep the profile but must revalidate it',
    schema: { type: 'string', example: PROFILE_CACHE_CONTROL },
  },
};

@ApiTags('profiles')
@Controller('api/auth/profiles')
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  /** Public. Sent by hand (not returned) because a 304 must keep its status and carry no body. */
  @ApiOperation({
    summary: 'A user’s public profile',
    description:
      'Public: needs no credential. Sends `ETag` and `Cache-Control: public, max-age=0, must-revalidate`; ' +
      'a request whose `If-None-Match` matches gets 304 with no body.',
  })
  @ApiParam({ name: 'userId', format: 'uuid', description: 'The user id (any UUID, in either case)' })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'ETags of copies the client holds, or `*`' })
  @ApiOkResponse({ type: ProfileResponseDto, description: 'The profile', headers: CACHE_HEADERS })
  @ApiResponse({ status: 304, description: 'Not modified: the client’s copy is current (no body)', headers: CACHE_HEADERS })
  @ApiInsforgeErrors({
    400: 'Invalid user ID format (INVALID_INPUT)',
    404: 'User not found (AUTH_USER_NOT_FOUND), sent with `Cache-Control: no-store`',
  })
  @Public()
  @Get(':userId')
  async get(
    @Param('userId', UserIdPipe) userId: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const found = await this.profiles.get(userId);
    sendCacheable(reply, ifNoneMatch, etagOf(found.version), toProfileResponse(found));
  }

  /** The caller's own profile, from the verified access token's subject. */
  @ApiOperation({
    summary: 'Update the caller’s profile',
    description:
      'Merges `profile` into the stored profile key by key, as InsForge does; a key set to `null` is removed (ours). ' +
      `A profile has at most ${PROFILE_LIMITS.maxKeys} top-level keys, nesting depth ${PROFILE_LIMITS.maxDepth} and ` +
      `${PROFILE_LIMITS.maxBytes / 1024} KiB as JSON, also after the merge; \`name\` is a string of at most ` +
      `${PROFILE_LIMITS.maxNameLength} characters and \`avatar_url\` an http(s) URL.`,
  })
  @ApiBearerAuth(BEARER_AUTH)
  // Documentation only: the handler's parameter stays a plain record, which ProfilePatchPipe checks.
  @ApiBody({ type: UpdateProfileRequestDto, required: true })
  @ApiOkResponse({
    type: ProfileResponseDto,
    description: 'The updated profile',
    headers: { 'Cache-Control': { description: 'Never cached', schema: { type: 'string', example: 'no-store' } } },
  })
  @ApiInsforgeErrors({
    400: 'Invalid input (INVALID_INPUT): the message starts with the path of the field',
    401: 'No, an invalid or an expired access token',
  })
  @Patch('current')
  @Header('cache-control', 'no-store')
  async update(
    @CurrentUser() user: Principal,
    @Body(ProfilePatchPipe) patch: ProfilePatch,
    @ReqMeta() meta: RequestMeta,
  ): Promise<ProfileResponse> {
    return toProfileResponse(await this.profiles.update(user.userId, patch, meta.requestId, user.sessionId));
  }
}
