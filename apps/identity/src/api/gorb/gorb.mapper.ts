import type { GorbDevice } from '@app/contracts';
import type { SessionRow } from '../../core/sessions/sessions.repository.js';

/** A session as Gorb's device list shows it. */
export function toGorbDevice(s: SessionRow, currentSessionId: string): GorbDevice {
  return {
    device_id: s.id,
    device_name: s.deviceName,
    created_at: new Date(s.createdAt).toISOString(),
    last_used_at: new Date(s.lastUsedAt).toISOString(),
    client_type: s.clientType,
    api: s.api,
    current: s.id === currentSessionId,
  };
}
