import { readCookie } from './board-auth';

describe('readCookie', () => {
  it('finds the cookie among others, whatever the spacing', () => {
    expect(readCookie('a=1; relais_token=abc.def.ghi; b=2', 'relais_token')).toBe('abc.def.ghi');
    expect(readCookie('relais_token=xyz', 'relais_token')).toBe('xyz');
    expect(readCookie('a=1;relais_token= xyz ', 'relais_token')).toBe('xyz');
  });

  it('decodes percent-encoding and quotes', () => {
    expect(readCookie('relais_token="a%2Eb"', 'relais_token')).toBe('a.b');
  });

  it('does not match a cookie whose name merely ends with the name', () => {
    expect(readCookie('not_relais_token=evil', 'relais_token')).toBeNull();
  });

  it('is null when absent, empty or undecodable', () => {
    expect(readCookie(undefined, 'relais_token')).toBeNull();
    expect(readCookie('a=1', 'relais_token')).toBeNull();
    expect(readCookie('relais_token=', 'relais_token')).toBeNull();
    expect(readCookie('relais_token=%E0%A4%A', 'relais_token')).toBeNull();
  });
});
