import { Module } from '@nestjs/common';
import { AuditRepository } from './audit.repository.js';
import { AuditLog } from './audit-log.js';

/** The append-only audit log (identity.audit_events). */
@Module({ providers: [AuditRepository, AuditLog], exports: [AuditLog] })
export class AuditModule {}
