import { checkSmtpTarget, isInternalAddress, parseAllowedTargets } from './smtp-target.js';

describe('SMTP target policy', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.0.0.5',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '::ffff:7f00:1',
    '[::1]',
    '224.0.0.1',
    'not-an-address',
  ])('refuses %s', (a) => expect(isInternalAddress(a)).toBe(true));

  it.each(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '8.8.8.8'])('accepts %s', (a) =>
    expect(isInternalAddress(a)).toBe(false),
  );

  const none = new Set<string>();
  const resolveTo = (addresses: string[]) => () => Promise.resolve(addresses);

  it('refuses a name that resolves to any internal address, and a non-mail port', async () => {
    await expect(checkSmtpTarget('smtp.example.com', 587, none, resolveTo(['93.184.216.34', '10.0.0.1']))).resolves.toEqual({
      ok: false,
      reason: 'internal',
    });
    await expect(checkSmtpTarget('smtp.example.com', 22, none, resolveTo(['93.184.216.34']))).resolves.toEqual({
      ok: false,
      reason: 'port',
    });
    await expect(checkSmtpTarget('metadata.google.internal', 25, none, () => Promise.reject(new Error('ENOTFOUND')))).resolves.toEqual({
      ok: false,
      reason: 'unresolvable',
    });
    await expect(checkSmtpTarget('smtp.example.com', 465, none, resolveTo(['93.184.216.34']))).resolves.toEqual({
      ok: true,
      addresses: ['93.184.216.34'],
    });
  });

  it('lets an operator list an internal relay by host and port, and only that port', async () => {
    const allowed = parseAllowedTargets(' relay.internal:2500 , 127.0.0.1:12525');
    await expect(checkSmtpTarget('relay.internal', 2500, allowed, resolveTo(['10.1.2.3']))).resolves.toEqual({
      ok: true,
      addresses: ['10.1.2.3'],
    });
    await expect(checkSmtpTarget('127.0.0.1', 12525, allowed)).resolves.toEqual({ ok: true, addresses: ['127.0.0.1'] });
    await expect(checkSmtpTarget('127.0.0.1', 25, allowed)).resolves.toEqual({ ok: false, reason: 'internal' });
  });
});
