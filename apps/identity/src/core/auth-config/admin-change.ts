import type { RequestMeta } from '@app/core';
import type { AuditActor } from '../audit/audit-event.js';

/** Who changes a setting, and the request, recorded in the audit log with the change. */
export interface AdminChange {
  actor: AuditActor;
  meta: RequestMeta;
}
