import { Module } from '@nestjs/common';
import { DataModule } from '../data/data.module.js';
import { CurrentUserCache } from './current-user.cache.js';
import { ProfileHandoff } from './profile-handoff.js';
import { UserBans } from './user-bans.js';
import { UserDirectoryRepository } from './user-directory.repository.js';
import { UserEvents } from './user-events.js';
import { UsersRepository } from './users.repository.js';

/** Accounts: the users table, their events to profiles, and the current-user cache. */
@Module({
  imports: [DataModule],
  providers: [UsersRepository, UserBans, UserDirectoryRepository, CurrentUserCache, ProfileHandoff, UserEvents],
  exports: [UsersRepository, UserBans, UserDirectoryRepository, CurrentUserCache, UserEvents],
})
export class UsersModule {}
