import { ProfileReadModel } from './profile-read-model.js';
import { ProfileSyncWorker } from './profile-sync.worker.js';

export { ProfileReadModel } from './profile-read-model.js';
export { ProfileSyncWorker } from './profile-sync.worker.js';

/**
 * identity's consumer of `profile.updated`. Spread into IdentityModule's own `providers` (not a
 * sub-module) so the worker shuts down before TypeORM closes the DataSource. Needs IdentityConfig
 * and the DataSource, both provided there.
 */
export const PROFILE_SYNC_PROVIDERS = [ProfileReadModel, ProfileSyncWorker];
