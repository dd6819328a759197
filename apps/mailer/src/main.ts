import 'reflect-metadata';
import { collectProcessMetrics, createHttpApp, loadConfig } from '@app/core';
import { MailerConfig } from './mailer.config.js';
import { MailerModule } from './mailer.module.js';

/**
 * mailer: the email delivery worker. No public API: its port serves only /health/* and /metrics.
 * Scale it on its own; on SIGTERM it finishes the jobs in hand before exiting.
 */
const config = loadConfig(MailerConfig, 'mailer');
collectProcessMetrics('mailer');
const app = await createHttpApp(MailerModule.register(config), { BODY_LIMIT_BYTES: 1024, TRUST_PROXY: 'false', CORS_ORIGINS: '' });
await app.listen({ port: config.MAILER_PORT, host: '0.0.0.0' });
