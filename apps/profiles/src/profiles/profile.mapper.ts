import type { StoredProfile } from './profiles.repository.js';

/** `{id, profile}`: the body of both profile endpoints, as InsForge shapes it. */
export interface ProfileResponse {
  id: string;
  profile: Record<string, unknown>;
}

export const toProfileResponse = (p: StoredProfile): ProfileResponse => ({ id: p.userId, profile: p.profile });
