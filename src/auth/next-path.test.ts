import { describe, expect, it } from 'vitest';
import { safeNext, withNext } from './next-path.js';

describe('safeNext', () => {
  it('keeps a path on this site, with its query and fragment', () => {
    expect(safeNext('/posts/12')).toBe('/posts/12');
    expect(safeNext('/search?q=bass&genre=rock#results')).toBe('/search?q=bass&genre=rock#results');
    expect(safeNext('/users/ana/../bob')).toBe('/users/bob');
  });

  it.each([
    '//evil.example',
    '//evil.example/path',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '/\\/evil.example',
    'https://evil.example/',
    'http:evil.example',
    'javascript:alert(1)',
    'evil.example',
    '',
    ' /posts/1',
  ])('sends %j home', (value) => {
    expect(safeNext(value)).toBe('/');
  });

  it('refuses what is not a string', () => {
    expect(safeNext(undefined)).toBe('/');
    expect(safeNext(['/a', '/b'])).toBe('/');
    expect(safeNext({ toString: () => '/a' })).toBe('/');
  });
});

describe('withNext', () => {
  it('adds next only when there is somewhere to return to', () => {
    expect(withNext('/signup', '/')).toBe('/signup');
    expect(withNext('/signup', '/posts/1?x=1')).toBe('/signup?next=%2Fposts%2F1%3Fx%3D1');
  });
});
