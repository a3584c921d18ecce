import { describe, expect, it } from 'vitest';
import { parseDiscordOptions, type DiscordCommandData } from '../../bots/discord/discord-options.js';
import { decodeSlackText } from '../../bots/slack/slack-escapes.js';
import { parseCommandArgs, parseCommandText } from '../../functions/core/grammar/command-text.js';
import { tokenize } from '../../functions/core/grammar/tokenize.js';
import { buildSubmitBody } from '../../functions/core/request/build-submit-body.js';
import { videoRequestSchema } from '../../functions/core/request/video-request.js';
import { discordOptionsFromText } from '../../local/playground/discord-options-from-text.js';
import { defaults, outcome, VEO, type Expectation } from '../helpers/grammar-outcome.js';

/**
 * The edges of the grammar, the validator and the request builder: each case is one a plausible
 * change would get wrong (the mutation run's survivors led to them). The main table is
 * command-grammar.test.ts; the bad-input corpus is parsed in bad-input-corpus.test.ts.
 */
const slack = (text: string) => outcome(() => parseCommandText(decodeSlackText(text), defaults));
const needsValue = (flag: string, example: string) => ({
  error: `--${flag} needs a value, for example ${example}.`,
});

describe('words, quotes and keywords', () => {
  it.each([
    ['a fox ', ['a', 'fox']],
    [' \t\n', []],
    ['"" a', ['', 'a']],
    ['dog"s day" out', ['dog"s', 'day"', 'out']],
    ['"a"b"c"', ['ab"c"']],
    ['"a""b"', ['a"b"']],
    ['"a fox', ['"a', 'fox']],
    ['--negative="blurry, dark" x', ['--negative=blurry, dark', 'x']],
    ['\u201ca fox\u201d \u2018b c\u2019 \u201ed e\u201c \u00abf g\u00bb', ['a fox', 'b c', 'd e', 'f g']],
  ])('%j → %j', (input, words) => {
    expect(tokenize(input).map((t) => t.text)).toEqual(words);
  });

  it('marks only a word that is wholly in quotes as quoted', () => {
    expect(tokenize('"--seed 4" --negative="x" plain')).toEqual([
      { text: '--seed 4', quoted: true },
      { text: '--negative=x', quoted: false },
      { text: 'plain', quoted: false },
    ]);
  });

  it.each<[string, Expectation]>([
    ['HELP', { kind: 'help' }],
    ['-h', { kind: 'help' }],
    ['" help "', { kind: 'help' }],
    ['  Models ', { kind: 'models' }],
    ['--models', { kind: 'models' }],
    ['usage', { kind: 'usage' }],
    ['--USAGE', { kind: 'usage' }],
    ['help me', { body: { ...VEO, prompt: 'help me' } }],
    ['-- help', { body: { ...VEO, prompt: '-- help' } }],
    ['"" help ""', { kind: 'help' }],
    ['"  " help', { kind: 'help' }],
    ['models of ships', { body: { ...VEO, prompt: 'models of ships' } }],
  ])('%j', (text, expected) => {
    expect(slack(text)).toStrictEqual(expected);
  });

  it('takes a keyword among empty command-line arguments as the keyword (the CLI)', () => {
    expect(outcome(() => parseCommandArgs(['help', ''], defaults))).toStrictEqual({ kind: 'help' });
  });

  it('reads command-line arguments as words, flags included (the CLI)', () => {
    expect(outcome(() => parseCommandArgs(['a fox at dawn', '--duration', '4'], defaults))).toStrictEqual({
      body: { ...VEO, prompt: 'a fox at dawn', seconds: 4 },
    });
  });
});

describe('flags', () => {
  it.each<[string, Expectation]>([
    ['a fox --audio=yes', { error: '--audio takes no value.' }],
    ['a fox --audio --audio', { body: { ...VEO, prompt: 'a fox', generate_audio: true } }],
    ['a fox --duration=4 at dawn', { body: { ...VEO, prompt: 'a fox at dawn', seconds: 4 } }],
    ['--DURATION 4 a fox', { body: { ...VEO, prompt: 'a fox', seconds: 4 } }],
    ['a fox \u2013duration 4', { body: { ...VEO, prompt: 'a fox', seconds: 4 } }],
    ['a fox x--seed 4', { body: { ...VEO, prompt: 'a fox x--seed 4' } }],
    ['a fox --duration: 4', { body: { ...VEO, prompt: 'a fox --duration: 4' } }],
    ['a fox --seed --duration 4', needsValue('seed', '--seed 42')],
    ['a fox --seed=', needsValue('seed', '--seed 42')],
    ['a fox --negative="   "', needsValue('negative', '--negative "blurry, text"')],
    ['--duration', needsValue('duration', '--duration 8')],
    [
      '"   " --duration 4',
      {
        error:
          'Describe the video before the options, for example: /video a corgi surfing at sunset --duration 8',
      },
    ],
  ])('%j', (text, expected) => {
    expect(slack(text)).toStrictEqual(expected);
  });

  it.each([
    ['model', '--model veo-3.1-fast-generate-preview'],
    ['duration', '--duration 8'],
    ['resolution', '--resolution 1080p'],
    ['ratio', '--ratio 9:16'],
    ['negative', '--negative "blurry, text"'],
    ['seed', '--seed 42'],
    ['image', '--image https://example.com/first-frame.png'],
    ['last-frame', '--last-frame https://example.com/last-frame.png'],
    ['ref', '--ref https://example.com/reference.png'],
  ])('--%s without a value shows an example', (flag, example) => {
    expect(slack(`a fox --${flag}`)).toStrictEqual(needsValue(flag, example));
  });

  it('trims values typed inside quotes', () => {
    expect(
      slack(
        'a fox --model=" veo-3.1-fast-generate-preview " --resolution=" 1080P " --ratio="9 : 16" --duration=" 6 " --seed=" 7 " --negative="  rain  " --image=" https://example.com/a.png "',
      ),
    ).toStrictEqual({
      body: {
        model: 'veo-3.1-fast-generate-preview',
        prompt: 'a fox',
        seconds: 6,
        resolution: '1080p',
        aspect_ratio: '9:16',
        image: 'https://example.com/a.png',
        negative_prompt: 'rain',
        seed: 7,
      },
    });
  });
});

describe('links: sent as the URL parser writes them, the form that was checked', () => {
  it.each<[string, Expectation]>([
    [
      'a fox --image=" https://e.com/a.png " --last-frame=" https://e.com/b.png "',
      {
        body: {
          ...VEO,
          prompt: 'a fox',
          image: 'https://e.com/a.png',
          last_frame_image: 'https://e.com/b.png',
        },
      },
    ],
    [
      'a fox --duration 8 --ref=" https://e.com/1.png "',
      { body: { ...VEO, prompt: 'a fox', reference_images: ['https://e.com/1.png'] } },
    ],
    [
      'a fox --image https://example.com\\@127.0.0.1/x.png',
      { body: { ...VEO, prompt: 'a fox', image: 'https://example.com/@127.0.0.1/x.png' } },
    ],
    [
      'a fox --image HTTPS://Example.COM/a%20b.png',
      { body: { ...VEO, prompt: 'a fox', image: 'https://example.com/a%20b.png' } },
    ],
  ])('%j', (text, expected) => {
    expect(slack(text)).toStrictEqual(expected);
  });
});

describe('model ids', () => {
  it('quotes at most 40 characters of what is not a model id', () => {
    const typed = `${'m'.repeat(45)}!`;
    expect(slack(`a fox --model ${typed}`)).toStrictEqual({
      error: `"${'m'.repeat(40)}" is not a model id. See /video models.`,
    });
  });
});

describe('durations, seeds and images, at their limits', () => {
  const duration = (text: string, label = 'Veo 3.1', allowed = '4, 6, 8') => ({
    error: `Duration "${text}" is not a whole number of seconds; ${label} takes ${allowed}.`,
  });
  const seedance = (seconds: number) => ({
    body: {
      model: 'seedance-1-0-pro',
      prompt: 'a fox',
      duration: seconds,
      resolution: '720p',
      metadata: { ratio: '16:9' },
    },
  });
  const seedRange = (text: string) => ({
    error: `Seed "${text}" must be a whole number from 0 to 4294967295.`,
  });

  it.each<[string, Expectation]>([
    ['a fox --duration s6', duration('s6')],
    ['a fox --duration 12345', duration('12345')],
    ['a fox --duration 4e0', duration('4e0')],
    ['a fox --duration 6S', { body: { ...VEO, prompt: 'a fox', seconds: 6 } }],
    ['a fox --model seedance-1-0-pro --duration 2', seedance(2)],
    ['a fox --model seedance-1-0-pro --duration 12', seedance(12)],
    [
      'a fox --model seedance-1-0-pro --duration 1',
      { error: 'Duration 1 s is not available for Seedance: use 2 to 12 seconds.' },
    ],
    [
      'a fox --model seedance-1-0-pro --duration 13',
      { error: 'Duration 13 s is not available for Seedance: use 2 to 12 seconds.' },
    ],
    ['a fox --seed 4294967295', { body: { ...VEO, prompt: 'a fox', seed: 4294967295 } }],
    ['a fox --seed 0', { body: { ...VEO, prompt: 'a fox', seed: 0 } }],
    ['a fox --seed 4294967296', seedRange('4294967296')],
    ['a fox --seed 3e2', seedRange('3e2')],
    ['a fox --seed 0x10', seedRange('0x10')],
    [`a fox --seed ${'9'.repeat(25)}`, seedRange('9'.repeat(20))],
  ])('%j', (text, expected) => {
    expect(slack(text)).toStrictEqual(expected);
  });

  it.each<[string, Expectation]>([
    [
      'a fox --duration 8 --ref https://e.com/1.png --ref https://e.com/2.png --ref https://e.com/3.png',
      {
        body: {
          ...VEO,
          prompt: 'a fox',
          reference_images: ['https://e.com/1.png', 'https://e.com/2.png', 'https://e.com/3.png'],
        },
      },
    ],
    [
      'a fox --model happyhorse-1.0-r2v --duration 5 --ref https://e.com/1.png',
      {
        body: {
          model: 'happyhorse-1.0-r2v',
          prompt: 'a fox',
          duration: 5,
          size: '720P',
          reference_images: ['https://e.com/1.png'],
          metadata: { ratio: '16:9' },
        },
      },
    ],
    [
      'a fox --duration 8 --ref not-a-link',
      {
        error: 'The reference image link "not-a-link" is not a URL: give a full https:// link to an image.',
      },
    ],
    [
      'a fox --image https://e.com/a.png --last-frame ftp://e.com/b.png',
      { error: 'The last-frame link must be an http(s) link, not ftp:.' },
    ],
    [
      'a fox --model happyhorse-1.0-i2v --image https://e.com/a.png --last-frame https://e.com/b.png',
      { error: 'HappyHorse does not take a last-frame image; drop --last-frame.' },
    ],
    [
      'a fox --model seedance-1-0-pro --ref https://e.com/1.png',
      { error: 'Seedance does not take reference images; drop --ref.' },
    ],
  ])('%j', (text, expected) => {
    expect(slack(text)).toStrictEqual(expected);
  });
});

describe('Slack escapes', () => {
  it.each([
    ['<@U0123|ana> and <@U0456>', '@ana and @U0456'],
    ['<#C0123|general> <#C0456>', '#general #C0456'],
    ['<!here> <!channel|channel>', '@here @channel'],
    ['<!subteam^S0123|@design>', '@design'],
    ['<!subteam^S0123|design@corp>', '@design@corp'],
    ['<https://example.com/a.png>', 'https://example.com/a.png'],
    ['<https://example.com/a.png|example.com/a.png>', 'https://example.com/a.png'],
    ['a &lt;b&gt; &amp; c', 'a <b> & c'],
    ['&amp;lt;', '&lt;'],
  ])('%j → %j', (text, decoded) => {
    expect(decodeSlackText(text)).toBe(decoded);
  });
});

describe('Discord options', () => {
  const discord = (options: DiscordCommandData['options'], resolved?: DiscordCommandData['resolved']) =>
    outcome(() =>
      parseDiscordOptions({ name: 'video', options, ...(resolved ? { resolved } : {}) }, defaults),
    );

  it.each<[string, DiscordCommandData['options'], Expectation]>([
    ['no prompt at all', [], { kind: 'help' }],
    ['usage', [{ name: 'prompt', type: 3, value: 'Usage' }], { kind: 'usage' }],
    ['MODELS', [{ name: 'prompt', type: 3, value: ' MODELS ' }], { kind: 'models' }],
    [
      'a ratio and a resolution of only spaces: the defaults',
      [
        { name: 'prompt', type: 3, value: 'a fox' },
        { name: 'ratio', type: 3, value: '  ' },
        { name: 'resolution', type: 3, value: ' ' },
      ],
      { body: { ...VEO, prompt: 'a fox' } },
    ],
    [
      'spaces around every text option',
      [
        { name: 'prompt', type: 3, value: '  a fox  ' },
        { name: 'model', type: 3, value: ' veo-3.1-fast-generate-preview ' },
        { name: 'resolution', type: 3, value: ' 1080p ' },
        { name: 'ratio', type: 3, value: '9 : 16' },
        { name: 'negative_prompt', type: 3, value: '  rain  ' },
        { name: 'image_url', type: 3, value: ' https://example.com/a.png ' },
      ],
      {
        body: {
          model: 'veo-3.1-fast-generate-preview',
          prompt: 'a fox',
          seconds: 8,
          resolution: '1080p',
          aspect_ratio: '9:16',
          image: 'https://example.com/a.png',
          negative_prompt: 'rain',
        },
      },
    ],
  ])('%s', (_name, options, expected) => {
    expect(discord(options)).toStrictEqual(expected);
  });

  it('the playground sends a number typed with spaces around it as that number', () => {
    expect(discordOptionsFromText('a fox --duration " 6 " --seed=" 7 "')).toEqual([
      { name: 'prompt', type: 3, value: 'a fox' },
      { name: 'duration', type: 4, value: 6 },
      { name: 'seed', type: 4, value: 7 },
    ]);
  });

  it('refuses an attachment that is not in resolved', () => {
    expect(
      discord(
        [
          { name: 'prompt', type: 3, value: 'a fox' },
          { name: 'image', type: 11, value: '7' },
        ],
        { attachments: {} },
      ),
    ).toStrictEqual({ error: 'The attached image could not be read; attach it again.' });
  });
});

describe('the request builder', () => {
  const request = (fields: Record<string, unknown>) =>
    videoRequestSchema.parse({ prompt: 'a fox', duration: 5, resolution: '720p', ratio: '16:9', ...fields });

  it('leaves out what the family does not take, even when a request carries it', () => {
    expect(
      buildSubmitBody(
        request({
          model: 'seedance-1-0-pro',
          family: 'seedance',
          negativePrompt: 'rain',
          audio: true,
          seed: 3,
        }),
      ),
    ).toStrictEqual({
      model: 'seedance-1-0-pro',
      prompt: 'a fox',
      duration: 5,
      resolution: '720p',
      seed: 3,
      metadata: { ratio: '16:9' },
    });
  });

  it('refuses a request whose model no family has', () => {
    expect(() => buildSubmitBody(request({ model: 'sora-2', family: 'veo' }))).toThrow(
      'No model family for validated model sora-2',
    );
  });
});
