import { comparePositions, isAtOrAfter } from './positions';

describe('comparePositions', () => {
  it('orders SQLite decimal positions numerically, not as text', () => {
    expect(comparePositions('9', '10')).toBeLessThan(0);
    expect(comparePositions('10', '9')).toBeGreaterThan(0);
    expect(comparePositions('42', '42')).toBe(0);
    expect(comparePositions('100', '99')).toBeGreaterThan(0);
    expect(comparePositions('123', '124')).toBeLessThan(0);
  });

  it('still orders decimal positions written with leading zeros by value', () => {
    expect(comparePositions('010', '9')).toBeGreaterThan(0);
    expect(comparePositions('0009', '10')).toBeLessThan(0);
    expect(comparePositions('007', '7')).toBe(0);
  });

  it('orders EventStoreDB commit/prepare positions by commit then prepare', () => {
    expect(comparePositions('100/90', '200/10')).toBeLessThan(0);
    expect(comparePositions('200/20', '200/10')).toBeGreaterThan(0);
    expect(comparePositions('200/10', '200/10')).toBe(0);
  });

  it('handles positions beyond 2^53', () => {
    expect(comparePositions('18446744073709551614', '18446744073709551615')).toBeLessThan(0);
  });

  it('refuses to compare different formats or garbage', () => {
    expect(() => comparePositions('10', '10/10')).toThrow(/different formats/);
    expect(() => comparePositions('abc', '1')).toThrow(/Unrecognised/);
  });

  it('treats a missing checkpoint as before every position', () => {
    expect(isAtOrAfter(null, '0')).toBe(false);
    expect(isAtOrAfter('5', '5')).toBe(true);
    expect(isAtOrAfter('4', '5')).toBe(false);
  });
});
