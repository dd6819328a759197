import { Module } from '@nestjs/common';
import { MailSettingsModule } from '../auth-config/mail-settings.module.js';
import { DataModule } from '../data/data.module.js';
import { CodesRepository } from './codes.repository.js';
import { CodesService } from './codes.service.js';
import { EmailService } from './email.service.js';
import { MailIntents } from './mail-intents.js';

/** One-time codes and links, and the mails that carry them (recorded for the mailer). */
@Module({
  imports: [DataModule, MailSettingsModule],
  providers: [CodesRepository, CodesService, MailIntents, EmailService],
  exports: [CodesRepository, CodesService, EmailService],
})
export class CodesModule {}
