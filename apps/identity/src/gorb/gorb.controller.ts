import { Body, Controller, Delete, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { Public } from '@app/auth';
import { GorbLoginRequest, GorbRefreshRequest, GorbRegisterRequest, GorbRevokeRequest } from '@app/contracts';
import { ReqMeta, type RequestMeta } from '@app/core';
import { type GorbCaller, GorbTokenGuard, GorbUser } from './gorb-token.guard.js';
import { GorbService } from './gorb.service.js';

/** The Gorb API (errors in Gorb's `{message}` shape, chosen by the /v1 prefix). */
@Public()
@Controller('v1')
export class GorbController {
  constructor(private readonly gorb: GorbService) {}

  @Post('login')
  @HttpCode(200)
  login(@Body() body: GorbLoginRequest, @ReqMeta() meta: RequestMeta) {
    return this.gorb.login(body, meta);
  }

  @Post('register')
  @HttpCode(200)
  register(@Body() body: GorbRegisterRequest, @ReqMeta() meta: RequestMeta) {
    return this.gorb.register(body, meta);
  }

  @Post('auth/refresh')
  @HttpCode(200)
  refresh(@Body() body: GorbRefreshRequest, @ReqMeta() meta: RequestMeta) {
    return this.gorb.refresh(body.refresh_token, meta);
  }

  @Get('auth/devices')
  @UseGuards(GorbTokenGuard)
  devices(@GorbUser() me: GorbCaller) {
    return this.gorb.devices(me.userId, me.sessionId);
  }

  @Post('auth/revoke')
  @HttpCode(200)
  @UseGuards(GorbTokenGuard)
  revoke(@GorbUser() me: GorbCaller, @Body() body: GorbRevokeRequest, @ReqMeta() meta: RequestMeta) {
    return this.gorb.revoke(me.userId, body, meta);
  }

  @Delete('auth/logout')
  @HttpCode(200)
  @UseGuards(GorbTokenGuard)
  logout(@GorbUser() me: GorbCaller) {
    return this.gorb.logout(me.sessionId);
  }
}
