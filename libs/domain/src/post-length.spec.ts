import { postLengthLimit } from './post-length';

describe('post length an account allows', () => {
  it('lets X Premium and Business accounts post longer than Standard ones', () => {
    expect(postLengthLimit('x', 'standard')).toBe(280);
    expect(postLengthLimit('x', 'premium')).toBe(25_000);
    expect(postLengthLimit('x', 'business')).toBe(25_000);
  });

  it('knows every platform’s limit', () => {
    expect(postLengthLimit('threads', 'profile')).toBe(500);
    expect(postLengthLimit('linkedin', 'company')).toBe(3_000);
  });
});
