/**
 * Bad input a user can type. Each case is sent through the real HTTP path of both platforms
 * (Slack as command text, Discord as the typed options its client would send, where its client
 * allows it at all) and must be answered privately with exactly this message, starting nothing.
 * docs/RELIABILITY.md is generated from this table.
 */
export interface BadInput {
  name: string;
  /** What follows `/video`. */
  text: string;
  /** The message the caller sees (the first line of the private answer). */
  message: string;
  /** Discord's client cannot send this (typed options): Slack only. */
  slackOnly?: true;
}

const VEO = 'Veo 3.1';
const HELP = 'Make a video from a prompt:';

export const BAD_INPUTS: BadInput[] = [
  { name: 'empty command', text: '', message: HELP },
  { name: 'whitespace-only command', text: '   \t  ', message: HELP },
  {
    name: '100,000-character prompt',
    text: 'a'.repeat(100_000),
    message: 'The prompt is 100,000 characters long; the limit is 2,000.',
  },
  {
    name: '2,001-character prompt',
    text: 'b'.repeat(2001),
    message: 'The prompt is 2,001 characters long; the limit is 2,000.',
  },
  {
    name: 'unknown model',
    text: 'a fox --model sora-2',
    message:
      'Unknown model "sora-2". Model ids start with veo, seedance or happyhorse; see /video models for the list.',
  },
  {
    name: 'model id with path characters',
    text: 'a fox --model ../../etc',
    message: '"../../etc" is not a model id. See /video models.',
  },
  {
    name: 'model id with a space',
    text: 'a fox --model "veo 3"',
    message: '"veo 3" is not a model id. See /video models.',
  },
  {
    name: 'duration 0',
    text: 'a fox --duration 0',
    message: `Duration 0 s is not available for ${VEO}: use 4, 6, 8 seconds.`,
  },
  {
    name: 'duration between tiers',
    text: 'a fox --duration 5',
    message: `Duration 5 s is not available for ${VEO}: use 4, 6, 8 seconds.`,
  },
  {
    name: 'duration far too long',
    text: 'a fox --duration 9999',
    message: `Duration 9999 s is not available for ${VEO}: use 4, 6, 8 seconds.`,
  },
  {
    name: 'negative duration',
    text: 'a fox --duration -4',
    message: `Duration "-4" is not a whole number of seconds; ${VEO} takes 4, 6, 8.`,
    slackOnly: true,
  },
  {
    name: 'fractional duration',
    text: 'a fox --duration 4.5',
    message: `Duration "4.5" is not a whole number of seconds; ${VEO} takes 4, 6, 8.`,
    slackOnly: true,
  },
  {
    name: 'duration in words',
    text: 'a fox --duration eight',
    message: `Duration "eight" is not a whole number of seconds; ${VEO} takes 4, 6, 8.`,
    slackOnly: true,
  },
  {
    name: 'Seedance duration over 12 s',
    text: 'a fox --model seedance-1-0-pro --duration 13',
    message: 'Duration 13 s is not available for Seedance: use 2 to 12 seconds.',
  },
  {
    name: 'HappyHorse duration under 3 s',
    text: 'a fox --model happyhorse-1.0-t2v --duration 2',
    message: 'Duration 2 s is not available for HappyHorse: use 3 to 15 seconds.',
  },
  {
    name: 'ratio the family lacks',
    text: 'a fox --ratio 4:3',
    message: `Ratio "4:3" is not available for ${VEO}: use 16:9, 9:16.`,
  },
  {
    name: 'ratio in words',
    text: 'a fox --ratio square',
    message: `Ratio "square" is not available for ${VEO}: use 16:9, 9:16.`,
  },
  {
    name: 'HappyHorse 21:9',
    text: 'a fox --model happyhorse-1.0-t2v --ratio 21:9',
    message: 'Ratio "21:9" is not available for HappyHorse: use 16:9, 9:16, 1:1, 4:3, 3:4.',
  },
  {
    name: 'resolution 4k',
    text: 'a fox --resolution 4k',
    message: `Resolution "4k" is not available for ${VEO}: use 720p, 1080p.`,
  },
  {
    name: 'Veo at 480p',
    text: 'a fox --resolution 480p',
    message: `Resolution "480p" is not available for ${VEO}: use 720p, 1080p.`,
  },
  {
    name: 'fractional seed',
    text: 'a fox --seed 1.5',
    message: 'Seed "1.5" must be a whole number from 0 to 4294967295.',
    slackOnly: true,
  },
  {
    name: 'seed in letters',
    text: 'a fox --seed abc',
    message: 'Seed "abc" must be a whole number from 0 to 4294967295.',
    slackOnly: true,
  },
  {
    name: 'negative seed',
    text: 'a fox --seed -1',
    message: 'Seed "-1" must be a whole number from 0 to 4294967295.',
    slackOnly: true,
  },
  {
    name: 'seed over 32 bits',
    text: 'a fox --seed 4294967296',
    message: 'Seed "4294967296" must be a whole number from 0 to 4294967295.',
  },
  {
    name: 'seed with 11 digits',
    text: 'a fox --seed 99999999999',
    message: 'Seed "99999999999" must be a whole number from 0 to 4294967295.',
  },
  {
    name: 'image that is not a URL',
    text: 'a fox --image cat.png',
    message: 'The image link "cat.png" is not a URL: give a full https:// link to an image.',
  },
  {
    name: 'image over ftp',
    text: 'a fox --image ftp://example.com/a.png',
    message: 'The image link must be an http(s) link, not ftp:.',
  },
  {
    name: 'image on file:',
    text: 'a fox --image file:///etc/passwd',
    message: 'The image link must be an http(s) link, not file:.',
  },
  {
    name: 'image as javascript:',
    text: 'a fox --image javascript:alert(1)',
    message: 'The image link must be an http(s) link, not javascript:.',
  },
  {
    name: 'image as data: URL',
    text: 'a fox --image data:image/png;base64,AAAA',
    message: 'The image link must be an http(s) link, not data:.',
  },
  {
    name: 'image at the cloud metadata address',
    text: 'a fox --image http://169.254.169.254/latest/meta-data',
    message:
      'The image link points at a private or local address (169.254.169.254); use a public image link.',
  },
  {
    name: 'image on 127.0.0.1',
    text: 'a fox --image http://127.0.0.1:3000/x.png',
    message: 'The image link points at a private or local address (127.0.0.1); use a public image link.',
  },
  {
    name: 'image on localhost',
    text: 'a fox --image http://localhost/x.png',
    message: 'The image link points at a private or local address (localhost); use a public image link.',
  },
  {
    name: 'image on IPv6 loopback',
    text: 'a fox --image http://[::1]/x.png',
    message: 'The image link points at a private or local address ([::1]); use a public image link.',
  },
  {
    name: 'image on loopback written as IPv4-mapped IPv6',
    text: 'a fox --image http://[::ffff:127.0.0.1]/x.png',
    message:
      'The image link points at a private or local address ([::ffff:7f00:1]); use a public image link.',
  },
  {
    name: 'image on localhost with a trailing dot',
    text: 'a fox --image http://localhost./x.png',
    message: 'The image link points at a private or local address (localhost.); use a public image link.',
  },
  {
    name: 'image on loopback written as one number',
    text: 'a fox --image http://2130706433/x.png',
    message: 'The image link points at a private or local address (127.0.0.1); use a public image link.',
  },
  {
    name: 'image on 10.0.0.0/8',
    text: 'a fox --image http://10.0.0.5/x.png',
    message: 'The image link points at a private or local address (10.0.0.5); use a public image link.',
  },
  {
    name: 'image on 192.168.0.0/16',
    text: 'a fox --image http://192.168.1.1/x.png',
    message: 'The image link points at a private or local address (192.168.1.1); use a public image link.',
  },
  {
    name: 'image on 172.16.0.0/12',
    text: 'a fox --image http://172.16.0.1/x.png',
    message: 'The image link points at a private or local address (172.16.0.1); use a public image link.',
  },
  {
    name: 'image on 0.0.0.0',
    text: 'a fox --image http://0.0.0.0/x.png',
    message: 'The image link points at a private or local address (0.0.0.0); use a public image link.',
  },
  {
    name: 'image on a metadata host name',
    text: 'a fox --image http://metadata.google.internal/x',
    message:
      'The image link points at a private or local address (metadata.google.internal); use a public image link.',
  },
  {
    name: 'image with credentials',
    text: 'a fox --image https://user:pass@example.com/x.png',
    message: 'The image link must not contain a user name or password.',
  },
  {
    name: 'last frame without a first frame',
    text: 'a fox --last-frame https://example.com/b.png',
    message: 'A last frame needs a first frame too: add --image URL.',
    slackOnly: true,
  },
  {
    name: 'Veo reference images at 4 s',
    text: 'a fox --duration 4 --ref https://example.com/r.png',
    message: `${VEO} uses reference images only at --duration 8.`,
    slackOnly: true,
  },
  {
    name: 'four reference images',
    text: 'a fox --ref https://e.com/1.png --ref https://e.com/2.png --ref https://e.com/3.png --ref https://e.com/4.png',
    message: 'At most 3 reference images; you gave 4.',
    slackOnly: true,
  },
  {
    name: 'two first frames for Veo',
    text: 'a fox --image https://e.com/a.png --image https://e.com/b.png',
    message: `${VEO} takes one first-frame image; you gave 2.`,
    slackOnly: true,
  },
  {
    name: 'negative prompt on Seedance',
    text: 'a fox --model seedance-1-0-pro --negative blur',
    message: 'Seedance does not take a negative prompt; drop --negative.',
  },
  {
    name: 'audio on Seedance',
    text: 'a fox --model seedance-1-0-pro --audio',
    message: 'Seedance does not generate audio; drop --audio or pick a Veo 3.1 model.',
  },
  {
    name: 'negative prompt over 1,000 characters',
    text: `a fox --negative "${'n'.repeat(1001)}"`,
    message: 'The negative prompt is 1,001 characters long; the limit is 1,000.',
  },
  {
    name: 'unknown option',
    text: 'a fox --fps 30',
    message:
      'Unknown option --fps. Options are --model, --duration, --resolution, --ratio, --negative, --seed, --audio, --no-audio, --image, --last-frame, --ref; put text in quotes if it belongs to the prompt.',
    slackOnly: true,
  },
  {
    name: 'option given twice',
    text: 'a fox --duration 4 --duration 6',
    message: '--duration is given twice; keep one.',
    slackOnly: true,
  },
  {
    name: 'audio and no-audio',
    text: 'a fox --audio --no-audio',
    message: 'Give --audio or --no-audio, not both.',
    slackOnly: true,
  },
  {
    name: 'option without its value',
    text: 'a fox --model',
    message: '--model needs a value, for example --model veo-3.1-fast-generate-preview.',
    slackOnly: true,
  },
  {
    name: 'options but no prompt',
    text: '--duration 8',
    message:
      'Describe the video before the options, for example: /video a corgi surfing at sunset --duration 8',
    slackOnly: true,
  },
  {
    name: 'control character in the prompt',
    text: 'a fox\u0007 bell',
    message: 'The prompt contains invisible control characters; retype it as plain text.',
  },
  {
    name: 'null byte in the prompt',
    text: 'a fox\u0000',
    message: 'The prompt contains a null byte; remove it and try again.',
  },
  {
    name: 'right-to-left override',
    text: 'a fox \u202egnivom',
    message: 'The prompt contains right-to-left override characters; retype it as plain text.',
  },
  {
    name: 'bidi isolate',
    text: 'a fox \u2066x\u2069',
    message: 'The prompt contains right-to-left override characters; retype it as plain text.',
  },
  {
    name: 'escape sequence',
    text: 'a fox \u001b[31mred',
    message: 'The prompt contains invisible control characters; retype it as plain text.',
  },
  {
    name: 'null byte in the negative prompt',
    text: 'a fox --negative "a\u0000b"',
    message: 'The negative prompt contains a null byte; remove it and try again.',
  },
  {
    name: 'several problems at once',
    text: 'a fox --duration 5 --ratio 4:3',
    message: `Please fix:\n• Duration 5 s is not available for ${VEO}: use 4, 6, 8 seconds.\n• Ratio "4:3" is not available for ${VEO}: use 16:9, 9:16.`,
  },
];
