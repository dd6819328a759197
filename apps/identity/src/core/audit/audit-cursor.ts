import { createHmac, timingSafeEqual } from 'node:crypto';

const MAX_BIGINT = 9223372036854775807n;
const DECODED = /^v1\.([1-9][0-9]{0,18})\.([A-Za-z0-9_-]{22})$/;

/**
 * The audit list's keyset cursor: the id of the last event of a page, authenticated with an HMAC
 * over the id and the page's filters. Opaque to clients; a cursor that was not issued by us, or
 * that is replayed with other filters, is refused (400) rather than followed, and its id reaches
 * SQL only as a bigint parameter.
 */
export class AuditCursor {
  constructor(private readonly secret: string) {}

  encode(id: string, filterKey: string): string {
    return Buffer.from(`v1.${id}.${this.mac(id, filterKey)}`).toString('base64url');
  }

  /** The id, or null when the cursor is malformed, forged or made for other filters. */
  decode(cursor: string, filterKey: string): string | null {
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(cursor)) return null;
    const m = DECODED.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
    if (!m) return null;
    const [, id, mac] = m as unknown as [string, string, string];
    if (BigInt(id) > MAX_BIGINT) return null;
    const want = Buffer.from(this.mac(id, filterKey), 'base64url');
    const got = Buffer.from(mac, 'base64url');
    return got.length === want.length && timingSafeEqual(got, want) ? id : null;
  }

  private mac(id: string, filterKey: string): string {
    return createHmac('sha256', this.secret).update(`audit-cursor:v1:${id}:${filterKey}`).digest().subarray(0, 16).toString('base64url');
  }
}
