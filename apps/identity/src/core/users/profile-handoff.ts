import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUES } from '@app/contracts';
import { bullConnection, REDIS } from '@app/core';
import { IdentityConfig } from '../config/identity.config.js';

/**
 * Read your writes across apps: a client that signs up and at once reads its profile
 * (`GET /profiles/:id`, served by profiles from its own table) must find it, and the InsForge SDK's
 * own tests do exactly that. The profile reaches profiles only through the `user.registered` job.
 *
 * So the request that registered a user has that job relayed right after its commit and waits, bounded by
 * `SIGNUP_PROFILE_WAIT_MS`, until BullMQ reports the job completed by profiles; only then does it
 * answer. The apps still share nothing but the queue (no HTTP call, no foreign table), and nothing
 * fails when profiles is slow or down: after the bound the answer goes out and the profile follows
 * when profiles catches up. Why not the alternatives: profiles holding a 404 open while "a
 * registration may be pending" cannot tell a pending user from a random UUID (every probe of an
 * unknown id would hold a connection), and profiles cannot ask identity without a synchronous call.
 * A PATCH that still overtakes the registration (after the bound) loses nothing either: profiles
 * merges the late sign-up fields into the keys its owner has not written.
 */
@Injectable()
export class ProfileHandoff implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ProfileHandoff');
  private events?: QueueEvents;
  private readonly waiters = new Map<string, () => void>();
  private readonly armed = new Map<string, Promise<boolean>>();

  constructor(
    @Inject(IdentityConfig) private readonly config: IdentityConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.SIGNUP_PROFILE_WAIT_MS === 0) return;
    // One blocking reader of the queue's event stream per replica, shared by every waiting request.
    this.events = new QueueEvents(QUEUES.PROFILES_INBOX, bullConnection(this.config));
    this.events.on('error', () => undefined);
    this.events.on('completed', ({ jobId }) => this.waiters.get(jobId)?.());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.events?.close().catch(() => undefined);
  }

  /**
   * Called where the job is recorded, inside its transaction: the waiter exists before the commit
   * (after which the outbox relays the job), so profiles' completion cannot be missed. Bounded by
   * SIGNUP_PROFILE_WAIT_MS from now; a transaction that rolls back leaves a waiter that just
   * times out. Nothing is armed when Redis is away (there is nothing to wait for: the outbox keeps
   * the job).
   */
  expect(jobId: string): void {
    const ms = this.config.SIGNUP_PROFILE_WAIT_MS;
    if (!this.events || this.redis.status !== 'ready' || this.armed.has(jobId)) return;
    this.armed.set(
      jobId,
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          this.waiters.delete(jobId);
          this.armed.delete(jobId);
          resolve(false);
        }, ms);
        timer.unref();
        this.waiters.set(jobId, () => {
          clearTimeout(timer);
          this.waiters.delete(jobId);
          this.armed.delete(jobId);
          resolve(true);
        });
      }),
    );
  }

  /**
   * After the commit that recorded the job: waits until profiles has applied it, or the bound
   * passes; at once when nothing was armed (Redis away, or no wait configured).
   */
  async deliver(jobId: string): Promise<boolean> {
    const applied = this.armed.get(jobId);
    if (!applied) return false;
    const ok = await applied;
    if (!ok)
      this.logger.warn(
        { jobId, waitedMs: this.config.SIGNUP_PROFILE_WAIT_MS },
        'profiles has not applied the event yet; answering without it',
      );
    return ok;
  }
}
