import type { ProfileResponse } from '@app/contracts';
import type { StoredProfile } from './profiles.repository.js';

/** `{id, profile}`: the body of both profile endpoints, as InsForge shapes it (documented by ProfileResponseDto). */
export type { ProfileResponse };

export const toProfileResponse = (p: StoredProfile): ProfileResponse => ({ id: p.userId, profile: p.profile });
