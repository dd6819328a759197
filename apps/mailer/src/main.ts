import 'reflect-metadata';
import { collectProcessMetrics, createWorkerApp, loadConfig, startManagementServer } from '@app/core';
import { MailerConfig } from './mailer.config.js';
import { MailerModule } from './mailer.module.js';

/**
 * mailer: the email delivery worker. No API port: MAILER_MANAGEMENT_PORT serves only /health/* and
 * /metrics. Scale it on its own; on SIGTERM it finishes the jobs in hand before exiting.
 */
const config = loadConfig(MailerConfig, 'mailer');
collectProcessMetrics('mailer');
const app = await createWorkerApp(MailerModule.register(config));
await startManagementServer(app, config.MAILER_MANAGEMENT_PORT, config.HOST);
