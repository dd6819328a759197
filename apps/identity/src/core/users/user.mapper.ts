import type { UserResponse } from '@app/contracts';
import type { UserRecord } from './users.repository.js';

/** InsForge's `user` object: whitelisted fields only ("email" is a provider when a password is set). */
export function toUserResponse(u: UserRecord): UserResponse {
  const providers = new Set(u.providers);
  if (u.passwordHash) providers.add('email');
  return {
    id: u.id,
    email: u.email,
    emailVerified: u.emailVerified,
    providers: [...providers].sort(),
    createdAt: new Date(u.createdAt).toISOString(),
    updatedAt: new Date(u.updatedAt).toISOString(),
    profile: u.profile ?? {},
    metadata: u.metadata ?? {},
  };
}
