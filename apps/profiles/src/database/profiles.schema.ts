import type { SchemaOptions } from '@app/core';
import { ProfilesInitial1763800000001 } from './migrations/1763800000001-ProfilesInitial.js';
import { ProfilesPendingRegistration1764400000000 } from './migrations/1764400000000-ProfilesPendingRegistration.js';
import { ProfilesRevokedSessions1764400000001 } from './migrations/1764400000001-ProfilesRevokedSessions.js';

export const PROFILES_SCHEMA: SchemaOptions = {
  schema: 'profiles',
  app: 'profiles',
  // No TypeORM entities: ProfilesRepository declares its rows and owns its SQL; the migrations own the schema.
  entities: [],
  migrations: [ProfilesInitial1763800000001, ProfilesPendingRegistration1764400000000, ProfilesRevokedSessions1764400000001],
};
