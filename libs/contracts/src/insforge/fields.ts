import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength } from 'class-validator';

/** An email as InsForge takes it: trimmed and lower-cased before validation. */
export const EmailField = () =>
  applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value)),
    IsString({ message: 'Expected string' }),
    MaxLength(320, { message: 'Email is too long' }),
    IsEmail({ allow_display_name: false, allow_ip_domain: false }, { message: 'Invalid email format' }),
  );

/** Passwords: strings of at most 128 characters, refused before any hashing work. */
export const PASSWORD_MAX_LENGTH = 128;
export const PasswordField = () =>
  applyDecorators(
    IsString({ message: 'Expected string' }),
    MaxLength(PASSWORD_MAX_LENGTH, { message: `Password must be at most ${PASSWORD_MAX_LENGTH} characters` }),
  );
