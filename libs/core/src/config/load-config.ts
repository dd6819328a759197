import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

export type Constructor<T = object> = new (...args: any[]) => T;

/**
 * Every problem with the environment, one line each (`NAME: what is wrong`). Values are never
 * printed: the variable may hold a secret, and logs travel further than the environment does.
 */
export function configProblems<T extends object>(cls: Constructor<T>, env: NodeJS.ProcessEnv): { config: T; problems: string[] } {
  // Empty strings mean "unset" so that `SMTP_HOST=` in a .env file falls back to the default.
  const plain = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(cls, plain, { exposeDefaultValues: true, enableImplicitConversion: false });
  const errors = validateSync(config, { whitelist: false, forbidUnknownValues: true, stopAtFirstError: true });
  const problems = errors.flatMap((e: ValidationError) => Object.values(e.constraints ?? {}).map((msg) => `${e.property}: ${msg}`));
  return { config, problems };
}

/**
 * Validates the app's environment at boot. On any invalid or missing variable it prints every
 * problem at once and exits non-zero, so an operator fixes them in one go.
 */
export function loadConfig<T extends object>(cls: Constructor<T>, appName: string, env: NodeJS.ProcessEnv = process.env): T {
  const { config, problems } = configProblems(cls, env);
  if (problems.length > 0) {
    process.stderr.write(
      `${appName}: invalid configuration (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n` +
        problems.map((p) => `  - ${p}\n`).join(''),
    );
    process.exit(78); // EX_CONFIG
  }
  return config;
}
