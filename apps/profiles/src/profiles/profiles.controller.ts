import { Body, Controller, Get, Header, Headers, Param, Patch, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentUser, type Principal, Public } from '@app/auth';
import { ReqMeta, type RequestMeta } from '@app/core';
import { etagOf, sendCacheable } from './conditional-get.js';
import { type ProfileResponse, toProfileResponse } from './profile.mapper.js';
import type { ProfilePatch } from './profile-rules.js';
import { ProfilePatchPipe, UserIdPipe } from './profiles.pipes.js';
import { ProfilesService } from './profiles.service.js';

@Controller('api/auth/profiles')
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  /** Public. Sent by hand (not returned) because a 304 must keep its status and carry no body. */
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
  @Patch('current')
  @Header('cache-control', 'no-store')
  async update(
    @CurrentUser() user: Principal,
    @Body(ProfilePatchPipe) patch: ProfilePatch,
    @ReqMeta() meta: RequestMeta,
  ): Promise<ProfileResponse> {
    return toProfileResponse(await this.profiles.update(user.userId, patch, meta.requestId));
  }
}
