import { describe, expect, it } from 'vitest';
import { imageUrlProblem, textProblem } from '../../functions/core/request/text-checks.js';

const privateAddress = (host: string) =>
  `The image link points at a private or local address (${host}); use a public image link.`;

/**
 * The edges of each check, one value either side: the bad-input corpus (docs/RELIABILITY.md) has
 * one example of each problem, these pin where each range and limit starts and ends.
 */
describe('image links TokenBay must never be sent to', () => {
  it.each([
    ['http://0.0.0.0/x.png', '0.0.0.0'],
    ['http://0.255.255.255/x.png', '0.255.255.255'],
    ['http://10.0.0.0/x.png', '10.0.0.0'],
    ['http://10.255.255.255/x.png', '10.255.255.255'],
    ['http://100.64.0.0/x.png', '100.64.0.0'],
    ['http://100.127.255.255/x.png', '100.127.255.255'],
    ['http://127.0.0.1/x.png', '127.0.0.1'],
    ['http://127.255.255.254/x.png', '127.255.255.254'],
    ['http://169.254.0.1/x.png', '169.254.0.1'],
    ['http://169.254.169.254/latest', '169.254.169.254'],
    ['http://172.16.0.0/x.png', '172.16.0.0'],
    ['http://172.31.255.255/x.png', '172.31.255.255'],
    ['http://192.168.0.0/x.png', '192.168.0.0'],
    ['http://192.168.255.255/x.png', '192.168.255.255'],
    ['http://192.0.0.1/x.png', '192.0.0.1'],
    ['http://198.18.0.1/x.png', '198.18.0.1'],
    ['http://198.19.255.255/x.png', '198.19.255.255'],
    ['http://224.0.0.1/x.png', '224.0.0.1'],
    ['http://239.255.255.250/x.png', '239.255.255.250'],
    ['http://240.0.0.1/x.png', '240.0.0.1'],
    ['http://255.255.255.255/x.png', '255.255.255.255'],
    // Other spellings of an IPv4 address, which the URL parser turns into dotted quads.
    ['http://2130706433/x.png', '127.0.0.1'],
    ['http://0x7f.1/x.png', '127.0.0.1'],
    ['http://127.1/x.png', '127.0.0.1'],
    ['http://012.0.0.1/x.png', '10.0.0.1'],
    ['http://127.0.0.1./x.png', '127.0.0.1'],
    // IPv6: unspecified, loopback, link-local (fe80::/10), unique local (fc00::/7).
    ['http://[::]/x.png', '[::]'],
    ['http://[::1]/x.png', '[::1]'],
    ['http://[0:0:0:0:0:0:0:1]/x.png', '[::1]'],
    ['http://[fe80::1]/x.png', '[fe80::1]'],
    ['http://[febf::1]/x.png', '[febf::1]'],
    ['http://[fc00::1]/x.png', '[fc00::1]'],
    ['http://[fdff:ffff::1]/x.png', '[fdff:ffff::1]'],
    ['http://[fec0::1]/x.png', '[fec0::1]'],
    ['http://[feff::1]/x.png', '[feff::1]'],
    ['http://[ff02::1]/x.png', '[ff02::1]'],
    // IPv6 that carries an IPv4 address: IPv4-compatible, SIIT, NAT64, 6to4.
    ['http://[::2]/x.png', '[::2]'],
    ['http://[::127.0.0.1]/x.png', '[::7f00:1]'],
    ['http://[::ffff:0:7f00:1]/x.png', '[::ffff:0:7f00:1]'],
    ['http://[64:ff9b::7f00:1]/x.png', '[64:ff9b::7f00:1]'],
    ['http://[64:ff9b::808:808]/x.png', '[64:ff9b::808:808]'],
    ['http://[64:ff9b:1::1]/x.png', '[64:ff9b:1::1]'],
    ['http://[2002:7f00:1::]/x.png', '[2002:7f00:1::]'],
    // IPv4 inside IPv6: the parser writes ::ffff:127.0.0.1 as ::ffff:7f00:1.
    ['http://[::ffff:127.0.0.1]/x.png', '[::ffff:7f00:1]'],
    ['http://[::ffff:a9fe:a9fe]/latest', '[::ffff:a9fe:a9fe]'],
    ['http://[::ffff:10.1.2.3]/x.png', '[::ffff:a01:203]'],
    // Names.
    ['http://localhost/x.png', 'localhost'],
    ['http://LOCALHOST:8080/x.png', 'localhost'],
    ['http://localhost./x.png', 'localhost.'],
    ['http://localhost../x.png', 'localhost..'],
    ['http://images.localhost/x.png', 'images.localhost'],
    ['http://metadata.google.internal/x', 'metadata.google.internal'],
    ['http://metadata.google.internal./x', 'metadata.google.internal.'],
  ])('%s is refused', (url, host) => {
    expect(imageUrlProblem('image link', url)).toBe(privateAddress(host));
  });

  it.each([
    'https://1.1.1.1/x.png',
    'https://9.255.255.255/x.png',
    'https://11.0.0.0/x.png',
    'https://100.63.255.255/x.png',
    'https://100.128.0.0/x.png',
    'https://126.255.255.255/x.png',
    'https://128.0.0.0/x.png',
    'https://169.253.255.255/x.png',
    'https://169.255.0.0/x.png',
    'https://172.15.255.255/x.png',
    'https://172.32.0.0/x.png',
    'https://192.167.255.255/x.png',
    'https://192.169.0.0/x.png',
    'https://[2606:4700:4700::1111]/x.png',
    'https://192.0.1.0/x.png',
    'https://198.17.255.255/x.png',
    'https://198.20.0.0/x.png',
    'https://223.255.255.255/x.png',
    'https://[2001:db8::1]/x.png',
    'https://[2003::1]/x.png',
    'https://[64:ff9c::1]/x.png',
    'https://[fbff::1]/x.png',
    'https://[fe00::1]/x.png',
    'https://[::ffff:8.8.8.8]/x.png',
    // Names that only look like the internal ones.
    'https://fcdn.example.com/x.png',
    'https://fd.example.com/x.png',
    'https://fe80.example.com/x.png',
    'https://localhost.example.com/x.png',
    'https://mylocalhost/x.png',
    'https://internal.example.com/x.png',
    'https://example.internal.com/x.png',
    'https://127.0.0.1.example.com/x.png',
  ])('%s is accepted', (url) => {
    expect(imageUrlProblem('image link', url)).toBeUndefined();
  });

  it.each([
    ['https://ana@example.com/x.png'],
    ['https://:secret@example.com/x.png'],
    ['https://ana:secret@example.com/x.png'],
  ])('%s: no user name or password', (url) => {
    expect(imageUrlProblem('image link', url)).toBe(
      'The image link must not contain a user name or password.',
    );
  });

  it('names the scheme it refuses, without its colon', () => {
    expect(imageUrlProblem('first-frame link', 'ftp://example.com/a.png')).toBe(
      'The first-frame link must be an http(s) link, not ftp:.',
    );
  });

  it('quotes what is not a URL in full up to 60 characters, and cuts it there', () => {
    const sixty = 'x'.repeat(60);
    expect(imageUrlProblem('image link', sixty)).toBe(
      `The image link "${sixty}" is not a URL: give a full https:// link to an image.`,
    );
    expect(imageUrlProblem('image link', `${sixty}yz`)).toBe(
      `The image link "${sixty}…" is not a URL: give a full https:// link to an image.`,
    );
  });
});

describe('free text', () => {
  it('is refused when empty or only spaces, naming the field', () => {
    expect(textProblem('negative prompt', '', 10)).toBe(
      'The negative prompt is empty: describe the video you want.',
    );
    expect(textProblem('prompt', ' \t\n ', 10)).toBe('The prompt is empty: describe the video you want.');
  });

  it('takes exactly the limit and refuses one more, counting spaces around the text', () => {
    expect(textProblem('prompt', 'a'.repeat(10), 10)).toBeUndefined();
    expect(textProblem('prompt', ` ${'a'.repeat(9)} `, 10)).toBe(
      'The prompt is 11 characters long; the limit is 10.',
    );
    expect(textProblem('prompt', 'a'.repeat(1001), 1000)).toBe(
      'The prompt is 1,001 characters long; the limit is 1,000.',
    );
  });

  it.each([
    ['\u0001', 'U+0001'],
    ['\u0008', 'backspace'],
    ['\u000b', 'vertical tab'],
    ['\u000c', 'form feed'],
    ['\u001b', 'escape'],
    ['\u001f', 'U+001F'],
    ['\u007f', 'delete'],
    ['\u0080', 'U+0080'],
    ['\u009f', 'U+009F'],
  ])('refuses a control character (%#: %s)', (character) => {
    expect(textProblem('prompt', `a ${character}fox`, 100)).toBe(
      'The prompt contains invisible control characters; retype it as plain text.',
    );
  });

  it.each([['a\tfox'], ['a\nfox'], ['a\u00a0fox'], ['un renard à l’aube'], ['狐狸 🦊']])(
    'keeps tabs, newlines and ordinary text: %j',
    (text) => {
      expect(textProblem('prompt', text, 100)).toBeUndefined();
    },
  );

  it.each([['\u202a'], ['\u202e'], ['\u2066'], ['\u2069']])('refuses bidi control %j', (character) => {
    expect(textProblem('prompt', `a ${character}fox`, 100)).toBe(
      'The prompt contains right-to-left override characters; retype it as plain text.',
    );
  });
});
