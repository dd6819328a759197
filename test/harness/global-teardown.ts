import { redis, stopAll } from './stack.ts';

export default async function globalTeardown(): Promise<void> {
  await stopAll();
  redis.stop();
}
