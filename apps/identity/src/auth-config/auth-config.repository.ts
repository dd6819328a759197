import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AuthConfig } from './auth-config.entity.js';

@Injectable()
export class AuthConfigRepository {
  constructor(@InjectRepository(AuthConfig) private readonly repo: Repository<AuthConfig>) {}

  /** The singleton row (the migration creates it). */
  async get(): Promise<AuthConfig> {
    return this.repo.findOneByOrFail({ id: 1 });
  }

  async update(patch: Partial<Omit<AuthConfig, 'id' | 'createdAt' | 'updatedAt'>>): Promise<AuthConfig> {
    await this.repo.update({ id: 1 }, { ...patch, updatedAt: new Date() });
    return this.get();
  }
}
