import 'reflect-metadata';
import {
  collectProcessMetrics,
  createHttpApp,
  listenHttpApp,
  loadConfig,
  runMigrations,
  serveOpenApi,
  startManagementServer,
} from '@app/core';
import { PROFILES_SCHEMA } from './database/profiles.schema.js';
import { PROFILES_OPENAPI } from './openapi/openapi.js';
import { ProfilesConfig } from './profiles.config.js';
import { ProfilesModule } from './profiles.module.js';

/**
 * profiles: public profile reads and owner writes.
 *   node main.js           serve the API on PROFILES_PORT, health and metrics on PROFILES_MANAGEMENT_PORT
 *   node main.js migrate   apply profiles' migrations (schema `profiles`) and exit
 */
const config = loadConfig(ProfilesConfig, 'profiles');
const [command] = process.argv.slice(2);
if (command === 'migrate') {
  await runMigrations(config, PROFILES_SCHEMA);
} else if (command) {
  console.error(`unknown command ${command}`);
  process.exit(64);
} else {
  collectProcessMetrics('profiles');
  const app = await createHttpApp(ProfilesModule.register(config), config);
  serveOpenApi(app, PROFILES_OPENAPI);
  await listenHttpApp(app, config.PROFILES_PORT, config.HOST);
  await startManagementServer(app, config.PROFILES_MANAGEMENT_PORT, config.HOST);
}
