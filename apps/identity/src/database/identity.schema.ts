import type { SchemaOptions } from '@app/core';
import { IdentityInitial1763800000000 } from './migrations/1763800000000-IdentityInitial.js';
import { UsersSearchAndBans1764200000000 } from './migrations/1764200000000-UsersSearchAndBans.js';
import { MailSettings1764300000000 } from './migrations/1764300000000-MailSettings.js';
import { IdentityAuditEvents1764410000000 } from './migrations/1764410000000-IdentityAuditEvents.js';
import { OAuthConfigs1764600000000 } from './migrations/1764600000000-OAuthConfigs.js';
import { OAuthIdentities1764500000000 } from './migrations/1764500000000-OAuthIdentities.js';
import { AdminCredentials1764100000000 } from './migrations/1764100000000-AdminCredentials.js';

export const IDENTITY_SCHEMA: SchemaOptions = {
  schema: 'identity',
  app: 'identity',
  // No TypeORM entities: each repository declares its rows and owns its SQL; the migrations own the schema.
  entities: [],
  // One per line, in timestamp order (each engineer's range), so parallel additions merge cleanly.
  migrations: [
    IdentityInitial1763800000000,
    AdminCredentials1764100000000,
    UsersSearchAndBans1764200000000,
    MailSettings1764300000000,
    IdentityAuditEvents1764410000000,
    OAuthIdentities1764500000000,
    OAuthConfigs1764600000000,
  ],
};
