/**
 * Every queue and job the apps exchange, with its payload type. Names are frozen: renaming one
 * strands the jobs already waiting in Redis under the old name, so add new names instead.
 */
export const QUEUES = Object.freeze({
  /** identity -> mailer: one message to render and deliver */
  EMAIL: 'email',
  /** identity -> profiles: account lifecycle events */
  PROFILES_INBOX: 'profiles-inbox',
  /** profiles -> identity: profile changes for identity's read model */
  IDENTITY_INBOX: 'identity-inbox',
  /**
   * identity -> identity: work a request only records (a send for an email that may not exist),
   * so the request answers in the same time whatever the email.
   */
  IDENTITY_TASKS: 'identity-tasks',
  /** identity -> identity: scheduled housekeeping (the audit log's retention), one job at a time */
  IDENTITY_MAINTENANCE: 'identity-maintenance',
} as const);
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const EMAIL_TEMPLATES = [
  'email-verification-code',
  'email-verification-link',
  'request-otp',
  'reset-password-code',
  'reset-password-link',
] as const;
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];

/** Meta carried by every job: where it came from, for logs and tracing. */
export interface JobMeta {
  /** the X-Request-Id of the HTTP request that caused the job, when there was one */
  requestId?: string;
  /** ISO time the intent was recorded (outbox row creation) */
  occurredAt: string;
}

/** An AES-256-GCM box (libs/core secret-box), opened by the mailer with SMTP_SETTINGS_KEY. */
export interface SealedValue {
  enc: 'A256GCM';
  iv: string;
  ct: string;
  tag: string;
}

/**
 * The SMTP server saved through `PUT /api/auth/smtp-config`, as in force when the mail was
 * requested. Absent: the mailer's own SMTP_* environment.
 */
export interface SmtpJobSettings {
  host: string;
  port: number;
  username: string;
  /** sealed for the `smtp-password:v1` purpose */
  password: SealedValue;
  senderEmail: string;
  senderName: string;
}

export interface SendEmailJob extends JobMeta {
  /** stable id of this message: the outbox id; used as BullMQ job id and SMTP Message-ID */
  messageId: string;
  template: EmailTemplate;
  to: string;
  vars: { email: string; name?: string; token?: string; link?: string };
  /**
   * The mail settings in force when the intent was recorded (read in the same transaction), so a
   * mail is rendered and sent with one consistent set whatever changes while it waits.
   */
  smtp?: SmtpJobSettings;
  /** a template saved through `PUT /api/auth/email-templates/:type`; absent: the built-in one */
  custom?: { subject: string; html: string };
}

export interface UserRegisteredEvent extends JobMeta {
  userId: string;
  email: string;
  /** the profile to start with (InsForge: `{name}` from sign-up, or `{}`) */
  profile: Record<string, unknown>;
}

export interface UserDeletedEvent extends JobMeta {
  userId: string;
}

/**
 * Sessions identity revoked for a security reason (an account claim, a password reset): their
 * access tokens, still valid JWTs until they expire, must not write anything anywhere.
 */
export interface SessionsRevokedEvent extends JobMeta {
  userId: string;
  sessionIds: string[];
  /** ISO time after which every access token of those sessions has expired anyway */
  tokensExpireBy: string;
}

export interface ProfileUpdatedEvent extends JobMeta {
  userId: string;
  profile: Record<string, unknown>;
  /** monotonically increasing per user; consumers ignore a version they have already applied */
  version: number;
}

/** "Mail this address a verification (or reset) code or link, if it has an account." */
export interface EmailRequestedTask extends JobMeta {
  email: string;
  redirectTo?: string | null;
}

/** "Delete audit events older than AUDIT_RETENTION_DAYS", in bounded batches; scheduled hourly. */
export type AuditRetentionTask = JobMeta;

/** Queue -> job name -> payload. Producers and consumers are typed against this map. */
export interface JobMap {
  [QUEUES.EMAIL]: { 'send-email': SendEmailJob };
  [QUEUES.PROFILES_INBOX]: {
    'user.registered': UserRegisteredEvent;
    'user.deleted': UserDeletedEvent;
    'user.sessions-revoked': SessionsRevokedEvent;
  };
  [QUEUES.IDENTITY_INBOX]: { 'profile.updated': ProfileUpdatedEvent };
  [QUEUES.IDENTITY_TASKS]: { 'verification-requested': EmailRequestedTask; 'reset-requested': EmailRequestedTask };
  [QUEUES.IDENTITY_MAINTENANCE]: { 'audit.retention': AuditRetentionTask };
}
export type JobName<Q extends QueueName> = keyof JobMap[Q] & string;
export type JobPayload<Q extends QueueName, N extends JobName<Q>> = JobMap[Q][N];

/** Retry policy shared by every producer: explicit attempts with exponential backoff (+ jitter). */
export const DEFAULT_JOB_OPTIONS = Object.freeze({
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: { age: 24 * 3600, count: 10000 },
  removeOnFail: { age: 7 * 24 * 3600 },
});
