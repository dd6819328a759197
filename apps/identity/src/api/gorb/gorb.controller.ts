import { Body, Controller, Delete, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@app/auth';
import {
  GorbDeviceDto,
  GorbLoginRequest,
  GorbLoginResponseDto,
  GorbLogoutResponseDto,
  GorbRefreshRequest,
  GorbRefreshResponseDto,
  GorbRegisterRefusedDto,
  GorbRegisterRequest,
  GorbRevokeRequest,
  GorbRevokeResponseDto,
} from '@app/contracts';
import { ReqMeta, type RequestMeta } from '@app/core';
import { ApiGorbErrors, GORB_TOKEN_AUTH } from '../../openapi/openapi.decorators.js';
import { type GorbCaller, GorbTokenGuard, GorbUser } from './gorb-token.guard.js';
import { GorbService } from './gorb.service.js';

/** The Gorb API (errors in Gorb's `{message}` shape, chosen by the /v1 prefix). */
@ApiTags('gorb')
@Public()
@Controller('v1')
export class GorbController {
  constructor(private readonly gorb: GorbService) {}

  @ApiOperation({ summary: 'Log in with a username or email and a device name' })
  @ApiOkResponse({ type: GorbLoginResponseDto })
  @ApiGorbErrors({
    400: 'Invalid input, or neither `identifier` nor `email`',
    403: 'Invalid credentials, or email verification required',
    429: 'Too many attempts',
  })
  @Post('login')
  @HttpCode(200)
  login(@Body() body: GorbLoginRequest, @ReqMeta() meta: RequestMeta) {
    return this.gorb.login(body, meta);
  }

  @ApiOperation({ summary: 'Register a username and email, and log in (ours, in Gorb’s shape)' })
  @ApiOkResponse({ type: GorbLoginResponseDto })
  @ApiResponse({ status: 403, type: GorbRegisterRefusedDto, description: 'Refused: the body says which checks failed' })
  @ApiGorbErrors({ 400: 'Invalid input', 429: 'Too many registrations from this address' })
  @Post('register')
  @HttpCode(200)
  register(@Body() body: GorbRegisterRequest, @ReqMeta() meta: RequestMeta) {
    return this.gorb.register(body, meta);
  }

  @ApiOperation({ summary: 'Rotate the refresh token and get a new access token' })
  @ApiOkResponse({ type: GorbRefreshResponseDto })
  @ApiGorbErrors({ 400: 'Invalid input', 401: 'Invalid, expired, revoked or reused refresh token', 429: 'Too many refreshes' })
  @Post('auth/refresh')
  @HttpCode(200)
  refresh(@Body() body: GorbRefreshRequest, @ReqMeta() meta: RequestMeta) {
    return this.gorb.refresh(body.refresh_token, meta);
  }

  @ApiOperation({ summary: 'The caller’s live sessions (of both APIs)' })
  @ApiBearerAuth(GORB_TOKEN_AUTH)
  @ApiOkResponse({ type: [GorbDeviceDto] })
  @ApiGorbErrors({ 401: 'Missing or invalid access token' })
  @Get('auth/devices')
  @UseGuards(GorbTokenGuard)
  devices(@GorbUser() me: GorbCaller) {
    return this.gorb.devices(me.userId, me.sessionId);
  }

  @ApiOperation({ summary: 'Revoke a device’s sessions (by name, or one by id), with the password again' })
  @ApiBearerAuth(GORB_TOKEN_AUTH)
  @ApiOkResponse({ type: GorbRevokeResponseDto })
  @ApiGorbErrors({
    400: 'Invalid input, or neither `device_name` nor `device_id`',
    401: 'Missing or invalid access token',
    403: 'Invalid credentials',
    429: 'Too many attempts',
  })
  @Post('auth/revoke')
  @HttpCode(200)
  @UseGuards(GorbTokenGuard)
  revoke(@GorbUser() me: GorbCaller, @Body() body: GorbRevokeRequest, @ReqMeta() meta: RequestMeta) {
    return this.gorb.revoke(me.userId, body, meta);
  }

  @ApiOperation({ summary: 'Revoke the session of the access token' })
  @ApiBearerAuth(GORB_TOKEN_AUTH)
  @ApiOkResponse({ type: GorbLogoutResponseDto })
  @ApiGorbErrors({ 401: 'Missing or invalid access token' })
  @Delete('auth/logout')
  @HttpCode(200)
  @UseGuards(GorbTokenGuard)
  logout(@GorbUser() me: GorbCaller, @ReqMeta() meta: RequestMeta) {
    return this.gorb.logout(me.userId, me.sessionId, meta);
  }
}
