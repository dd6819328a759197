import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Public } from '@app/auth';
import { type AcceptedResponse, SendOtpRequest } from '@app/contracts';
import { ReqMeta, type RequestMeta } from '@app/core';
import { EmailService } from './email.service.js';

@Public()
@Controller('api/auth/email')
export class EmailController {
  constructor(private readonly email: EmailService) {}

  @Post('send-otp')
  @HttpCode(202)
  sendOtp(@Body() body: SendOtpRequest, @ReqMeta() meta: RequestMeta): Promise<AcceptedResponse> {
    return this.email.sendOtp(body.email, meta);
  }
}
