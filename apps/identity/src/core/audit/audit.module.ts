import { Module } from '@nestjs/common';
import { QUEUES } from '@app/contracts';
import { queuesModule } from '@app/core';
import { AuditQuery } from './audit-query.service.js';
import { AuditRetentionWorker } from './audit-retention.worker.js';
import { AuditRepository } from './audit.repository.js';
import { AuditLog } from './audit-log.js';

/**
 * The append-only audit log (identity.audit_events): recording, reading for the admin API, and the
 * retention job on its own maintenance queue.
 */
@Module({
  imports: [queuesModule(QUEUES.IDENTITY_MAINTENANCE)],
  providers: [AuditRepository, AuditLog, AuditQuery, AuditRetentionWorker],
  exports: [AuditLog, AuditQuery],
})
export class AuditModule {}
