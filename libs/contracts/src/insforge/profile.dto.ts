import { ApiProperty } from '@nestjs/swagger';
import { PROFILE_SCHEMA } from '../user.js';

/** `{id, profile}`: the body of `GET /api/auth/profiles/:userId` and `PATCH /api/auth/profiles/current`, as InsForge shapes it. */
export interface ProfileResponse {
  id: string;
  profile: Record<string, unknown>;
}

/** OpenAPI schema of {@link ProfileResponse}. */
export class ProfileResponseDto implements ProfileResponse {
  @ApiProperty({ format: 'uuid', description: 'The user id' })
  id: string;

  @ApiProperty(PROFILE_SCHEMA)
  profile: Record<string, unknown>;
}

/**
 * OpenAPI schema of the `PATCH /api/auth/profiles/current` body. Documentation only: the profile is
 * free-form JSON, so the profiles app checks the body with its own rules, not with this class.
 */
export class UpdateProfileRequestDto {
  @ApiProperty({
    type: 'object',
    description:
      'Keys to merge into the stored profile, one by one; keys not sent are kept. ' +
      'A key set to `null` is removed (ours: InsForge would store `null`).',
    properties: {
      name: { type: 'string', nullable: true },
      avatar_url: { type: 'string', format: 'uri', nullable: true, description: 'An http(s) URL' },
    },
    additionalProperties: true,
  })
  profile: Record<string, unknown>;
}
