import { Module } from '@nestjs/common';
import { PasswordHasher } from './password-hasher.js';

/** Password hashing (argon2id, bcrypt imports verified); the policy is plain functions. */
@Module({ providers: [PasswordHasher], exports: [PasswordHasher] })
export class PasswordsModule {}
