import { preferredType, requestPath } from './http-exchange';

const OFFERED = ['application/json', 'text/csv', 'application/x-ndjson'];

describe('preferredType: Accept negotiation as Express chose', () => {
  it('takes the first offered type without a header or for */*', () => {
    expect(preferredType(undefined, OFFERED)).toBe('application/json');
    expect(preferredType('*/*', OFFERED)).toBe('application/json');
  });

  it('takes the exact type asked for, whatever its case', () => {
    expect(preferredType('text/csv', OFFERED)).toBe('text/csv');
    expect(preferredType('Application/X-NDJSON', OFFERED)).toBe('application/x-ndjson');
  });

  it('follows quality first, then the client’s order', () => {
    expect(preferredType('text/csv;q=0.5, application/x-ndjson', OFFERED)).toBe(
      'application/x-ndjson',
    );
    expect(preferredType('text/csv, application/x-ndjson', OFFERED)).toBe('text/csv');
    expect(preferredType('text/*, */*;q=0.1', OFFERED)).toBe('text/csv');
  });

  it('refuses what the client excludes, and says when nothing is acceptable', () => {
    expect(preferredType('application/json;q=0, */*', OFFERED)).toBe('text/csv');
    expect(preferredType('image/png', OFFERED)).toBe(false);
  });
});

describe('requestPath', () => {
  it('drops the query string, which can carry OAuth codes', () => {
    expect(requestPath({ url: '/v1/oauth/x/callback?code=secret' })).toBe('/v1/oauth/x/callback');
  });
});
