import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { type UserResponse, UserResponseDto } from '../user.js';

/** Page size when `limit` is absent or not a number (InsForge's default). */
export const USERS_LIST_DEFAULT_LIMIT = 10;
/** Ours: InsForge has no upper bound on `limit`; a larger one is lowered to this. */
export const USERS_LIST_MAX_LIMIT = 1000;
/** Ours: the longest `search` accepted (the longest email). */
export const USERS_SEARCH_MAX_LENGTH = 320;
/** Ours: the most ids one `DELETE /api/auth/users` takes. */
export const USERS_DELETE_MAX_IDS = 1000;

/**
 * `GET /api/auth/users` query. As InsForge, `limit` and `offset` are strings read leniently
 * (`limit = max(1, int || 10)`, `offset = max(0, int || 0)`); ours also caps `limit`.
 */
export class ListUsersQuery {
  @ApiPropertyOptional({
    type: 'string',
    default: '10',
    description: `Page size, 1 to ${USERS_LIST_MAX_LIMIT} (ours: larger values are lowered)`,
  })
  @IsOptional()
  @IsString({ message: 'Expected string' })
  limit?: string;

  @ApiPropertyOptional({ type: 'string', default: '0', description: 'Number of users to skip' })
  @IsOptional()
  @IsString({ message: 'Expected string' })
  offset?: string;

  @ApiPropertyOptional({
    maxLength: USERS_SEARCH_MAX_LENGTH,
    description: 'Case-insensitive substring of the email or the profile name; `%` and `_` match themselves',
  })
  @IsOptional()
  @IsString({ message: 'Expected string' })
  @MaxLength(USERS_SEARCH_MAX_LENGTH, { message: `Search must be at most ${USERS_SEARCH_MAX_LENGTH} characters` })
  search?: string;
}

/** `DELETE /api/auth/users` body. */
export class DeleteUsersRequest {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: USERS_DELETE_MAX_IDS, description: 'Ids of the users to delete' })
  @IsArray({ message: 'Expected array' })
  @ArrayMinSize(1, { message: 'At least one user ID is required' })
  @ArrayMaxSize(USERS_DELETE_MAX_IDS, { message: `At most ${USERS_DELETE_MAX_IDS} user IDs at once` })
  @IsUUID('all', { each: true, message: 'Invalid user ID format' })
  userIds: string[];
}

/** A user as admin routes return it: InsForge's user object plus our ban state. */
export interface AdminUserResponse extends UserResponse {
  /** ours: when the user was banned, or null */
  bannedAt: string | null;
}

/** OpenAPI schema of {@link AdminUserResponse}. */
export class AdminUserResponseDto extends UserResponseDto implements AdminUserResponse {
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'Ours: when the user was banned; null when not banned' })
  bannedAt: string | null;
}

export interface UsersPage {
  data: AdminUserResponse[];
  pagination: { offset: number; limit: number; total: number };
}

class PaginationDto {
  @ApiProperty({ type: 'integer' })
  offset: number;

  @ApiProperty({ type: 'integer', description: 'The page size applied (after the upper bound)' })
  limit: number;

  @ApiProperty({ type: 'integer', description: 'Users matching the search' })
  total: number;
}

/** OpenAPI schema of {@link UsersPage}. */
export class UsersPageDto implements UsersPage {
  @ApiProperty({ type: () => [AdminUserResponseDto], description: 'Newest first' })
  data: AdminUserResponseDto[];

  @ApiProperty({ type: () => PaginationDto })
  pagination: PaginationDto;
}

/** `DELETE /api/auth/users` answer. */
export class DeleteUsersResponseDto {
  @ApiProperty({ example: 'Users deleted successfully' })
  message: string;

  @ApiProperty({ type: 'integer', description: 'Users that existed and were deleted' })
  deletedCount: number;
}
