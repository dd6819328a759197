import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { ProfileReadModel } from './profile-read-model.js';
import { ProfileSyncWorker } from './profile-sync.worker.js';

/** identity's consumer of `profile.updated` (a worker: it stops before the database closes). */
@Module({ imports: [UsersModule], providers: [ProfileReadModel, ProfileSyncWorker] })
export class ProfileSyncModule {}
