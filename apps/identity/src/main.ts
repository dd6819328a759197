import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import {
  collectProcessMetrics,
  createHttpApp,
  listenHttpApp,
  loadConfig,
  runMigrations,
  serveOpenApi,
  startManagementServer,
} from '@app/core';
import { acceptFormPostCallbacks } from './api/oauth/form-post.js';
import { IDENTITY_SCHEMA } from './database/identity.schema.js';
import { IdentityConfig } from './core/config/identity.config.js';
import { IdentityModule, KeysCliModule } from './identity.module.js';
import { IDENTITY_OPENAPI } from './identity.openapi.js';
import { SigningKeys } from './core/tokens/signing-keys.service.js';

/**
 * identity: users, credentials, sessions and tokens.
 *   node main.js                 serve the API on IDENTITY_PORT, health and metrics on IDENTITY_MANAGEMENT_PORT
 *   node main.js migrate         apply identity's migrations (schema `identity`) and exit
 *   node main.js keys:rotate     add a signing key (published now, signing after the overlap)
 *   node main.js keys:retire KID stop publishing and accepting a key
 */
const config = loadConfig(IdentityConfig, 'identity');
const [command, arg] = process.argv.slice(2);

if (command === 'migrate') {
  await runMigrations(config, IDENTITY_SCHEMA);
} else if (command === 'keys:rotate' || command === 'keys:retire') {
  const ctx = await NestFactory.createApplicationContext(KeysCliModule.register(config), { logger: ['error', 'warn'] });
  const keys = ctx.get(SigningKeys);
  if (command === 'keys:rotate') console.log(`new signing key ${await keys.rotate()}`);
  else if (!arg || !(await keys.retire(arg))) {
    console.error(`no live key ${arg ?? '(missing KID)'}`);
    process.exitCode = 1;
  } else console.log(`retired ${arg}`);
  await ctx.close();
} else if (command) {
  console.error(`unknown command ${command}`);
  process.exit(64);
} else {
  collectProcessMetrics('identity');
  const app = await createHttpApp(IdentityModule.register(config), config);
  acceptFormPostCallbacks(app);
  serveOpenApi(app, IDENTITY_OPENAPI);
  await listenHttpApp(app, config.IDENTITY_PORT, config.HOST);
  await startManagementServer(app, config.IDENTITY_MANAGEMENT_PORT, config.HOST);
}
