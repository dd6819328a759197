/** The `user` object of every InsForge response, exactly as InsForge shapes it. */
export interface UserResponse {
  id: string;
  email: string;
  emailVerified: boolean;
  providers: string[];
  createdAt: string;
  updatedAt: string;
  profile: Record<string, unknown>;
  metadata: Record<string, unknown> | null;
}

/** `GET /api/auth/public-config` */
export interface PublicAuthConfig {
  oAuthProviders: string[];
  customOAuthProviders: string[];
  requireEmailVerification: boolean;
  passwordMinLength: number;
  requireNumber: boolean;
  requireLowercase: boolean;
  requireUppercase: boolean;
  requireSpecialChar: boolean;
  verifyEmailMethod: 'code' | 'link';
  resetPasswordMethod: 'code' | 'link';
  disableSignup: boolean;
}
