import { faultPg } from './pg-cluster.ts';
import { redis, stopAll } from './stack.ts';

export default async function globalTeardown(): Promise<void> {
  await stopAll();
  redis.stop();
  // The fault tests' own PostgreSQL cluster, if they started it (its data stays in .data for the next run).
  try {
    faultPg.stop();
  } catch {
    /* not running */
  }
}
