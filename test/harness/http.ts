import { randomBytes, randomInt } from 'node:crypto';
import { BASE_URL, SINK_URL } from './env.js';
import { waitFor } from './stack.js';

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A client address of its own per test, so per-IP limits of one test never touch another. */
export const randomIp = () => `10.${randomInt(0, 255)}.${randomInt(0, 255)}.${randomInt(1, 254)}`;
export const randomEmail = (tag = 'user') => `${tag}+${randomBytes(6).toString('hex')}@example.com`;

/** One HTTP call through the gateway (or straight to `base`, e.g. IDENTITY2_URL); JSON in, JSON (or text) out. */
export async function call<T = any>(
  method: string,
  path: string,
  opts: {
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    ip?: string;
    redirect?: 'manual' | 'follow';
    base?: string;
  } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.ip) headers['x-forwarded-for'] = opts.ip;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${opts.base ?? BASE_URL}${path}`, { method, headers, body, redirect: opts.redirect ?? 'manual' });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

export interface SinkMessage {
  messageId: string;
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  /** the SMTP AUTH user the sender authenticated as, or null */
  authUser: string | null;
  envelopeFrom: string | null;
}

/** What the real SMTP server of the e2e stack received. */
export const mailbox = {
  async list(to?: string): Promise<SinkMessage[]> {
    const res = await fetch(`${SINK_URL}/messages${to ? `?to=${encodeURIComponent(to)}` : ''}`);
    return (await res.json()) as SinkMessage[];
  },
  async waitFor(to: string, count = 1, timeoutMs = 20_000): Promise<SinkMessage[]> {
    let got: SinkMessage[] = [];
    await waitFor(
      async () => {
        got = await mailbox.list(to);
        return got.length >= count;
      },
      timeoutMs,
      `${count} message(s) to ${to}`,
    );
    return got;
  },
  async refuse(count: number): Promise<void> {
    await fetch(`${SINK_URL}/refuse?count=${count}`, { method: 'POST' });
  },
  /** Hold every message unanswered (a mailer blocked mid-SMTP) until release(). */
  async hold(on: boolean): Promise<void> {
    await fetch(`${SINK_URL}/${on ? 'hold' : 'release'}`, { method: 'POST' });
  },
  async held(): Promise<number> {
    return ((await (await fetch(`${SINK_URL}/held`)).json()) as { held: number }).held;
  },
  async delay(ms: number): Promise<void> {
    await fetch(`${SINK_URL}/delay?ms=${ms}`, { method: 'POST' });
  },
};

/** The first link in a message's text. */
export const linkIn = (m: SinkMessage): string => {
  const match = /(https?:\/\/\S+)/.exec(m.text);
  if (!match) throw new Error(`no link in message: ${m.text}`);
  return match[1]!;
};

/** The 6-digit code in a message's text. */
export const codeIn = (m: SinkMessage): string => {
  const match = /\b(\d{6})\b/.exec(m.text);
  if (!match) throw new Error(`no code in message: ${m.text}`);
  return match[1]!;
};
