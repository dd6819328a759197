import { appleUserName } from './apple-user.js';

describe('appleUserName', () => {
  it("reads the first authorization's name", () => {
    expect(appleUserName('{"name":{"firstName":" Ada ","lastName":"Lovelace"},"email":"a@privaterelay.appleid.com"}')).toBe('Ada Lovelace');
    expect(appleUserName('{"name":{"firstName":"Ada"}}')).toBe('Ada');
    expect(appleUserName(JSON.stringify({ name: { firstName: 'x'.repeat(300) } }))).toHaveLength(100);
  });

  it('ignores anything else', () => {
    for (const bad of [undefined, '', 'not json', 'null', '[]', '{"name":"Ada"}', '{"name":{"firstName":1}}', ['a'], 'x'.repeat(3000)])
      expect(appleUserName(bad)).toBeUndefined();
  });
});
