import { describe, expect, it } from 'vitest';
import { parseDiscordOptions, type DiscordCommandData } from '../../bots/discord/discord-options.js';
import { parseCommandText } from '../../functions/core/grammar/command-text.js';
import { decodeSlackText } from '../../bots/slack/slack-escapes.js';
import { defaults, outcome, VEO, type Expectation } from '../helpers/grammar-outcome.js';

type Case = [name: string, input: string, expected: Expectation];

const slackCases: Case[] = [
  [
    'plain prompt, defaults',
    'a corgi surfing at sunset',
    { body: { ...VEO, prompt: 'a corgi surfing at sunset' } },
  ],
  ['help', 'help', { kind: 'help' }],
  ['empty text shows help', '   ', { kind: 'help' }],
  ['models', 'models', { kind: 'models' }],
  ['--help', '--help', { kind: 'help' }],
  [
    'veo with every option',
    'a fox --model veo-3.1-fast-generate-preview --duration 6 --resolution 1080p --ratio 9:16 --negative "blurry, text" --seed 42 --no-audio',
    {
      body: {
        model: 'veo-3.1-fast-generate-preview',
        prompt: 'a fox',
        seconds: 6,
        resolution: '1080p',
        aspect_ratio: '9:16',
        negative_prompt: 'blurry, text',
        seed: 42,
        generate_audio: false,
      },
    },
  ],
  [
    '--flag=value form',
    'a fox --duration=4 --ratio=9:16',
    { body: { ...VEO, prompt: 'a fox', seconds: 4, aspect_ratio: '9:16' } },
  ],
  ['flags before the prompt', '--duration 4 a fox', { body: { ...VEO, prompt: 'a fox', seconds: 4 } }],
  [
    'audio on',
    'a band playing --audio',
    { body: { ...VEO, prompt: 'a band playing', generate_audio: true } },
  ],
  [
    'curly double quotes from Slack',
    'a fox --negative “low quality, blur”',
    { body: { ...VEO, prompt: 'a fox', negative_prompt: 'low quality, blur' } },
  ],
  [
    'curly single quotes',
    'a fox --negative ‘dark sky’',
    { body: { ...VEO, prompt: 'a fox', negative_prompt: 'dark sky' } },
  ],
  [
    'quoted value after =',
    'a fox --negative="rain, fog"',
    { body: { ...VEO, prompt: 'a fox', negative_prompt: 'rain, fog' } },
  ],
  ['apostrophe inside a word stays', 'the dog’s day out', { body: { ...VEO, prompt: 'the dog’s day out' } }],
  [
    'quoted flag-like text belongs to the prompt',
    'a sign reading "--stop--"',
    { body: { ...VEO, prompt: 'a sign reading --stop--' } },
  ],
  ['em dash from autocorrect', 'a fox —duration 4', { body: { ...VEO, prompt: 'a fox', seconds: 4 } }],
  ['duration with s suffix', 'a fox --duration 6s', { body: { ...VEO, prompt: 'a fox', seconds: 6 } }],
  [
    'upper-case resolution',
    'a fox --resolution 1080P',
    { body: { ...VEO, prompt: 'a fox', resolution: '1080p' } },
  ],
  ['Slack-escaped ampersand', 'salt &amp; pepper', { body: { ...VEO, prompt: 'salt & pepper' } }],
  [
    'Slack mention becomes @name',
    'a portrait of <@U123|ana>',
    { body: { ...VEO, prompt: 'a portrait of @ana' } },
  ],
  [
    'Slack-wrapped image link',
    'a cat waking up --image <https://example.com/cat.png>',
    { body: { ...VEO, prompt: 'a cat waking up', image: 'https://example.com/cat.png' } },
  ],
  [
    'veo first and last frame',
    'a day passes --image https://example.com/a.png --last-frame https://example.com/b.png',
    {
      body: {
        ...VEO,
        prompt: 'a day passes',
        image: 'https://example.com/a.png',
        last_frame_image: 'https://example.com/b.png',
      },
    },
  ],
  [
    'veo reference images at 8 s',
    'a hero --ref https://example.com/r1.png --ref https://example.com/r2.png',
    {
      body: {
        ...VEO,
        prompt: 'a hero',
        reference_images: ['https://example.com/r1.png', 'https://example.com/r2.png'],
      },
    },
  ],
  [
    'seedance: duration and ratio in metadata',
    'a city --model seedance-1-0-pro --duration 10 --ratio 21:9 --resolution 480p --seed 7',
    {
      body: {
        model: 'seedance-1-0-pro',
        prompt: 'a city',
        duration: 10,
        resolution: '480p',
        seed: 7,
        metadata: { ratio: '21:9' },
      },
    },
  ],
  [
    'seedance defaults',
    'a city --model seedance-1-0-lite',
    {
      body: {
        model: 'seedance-1-0-lite',
        prompt: 'a city',
        duration: 5,
        resolution: '720p',
        metadata: { ratio: '16:9' },
      },
    },
  ],
  [
    'unknown seedance id passes through by pattern',
    'a city --model doubao-seedance-2-0',
    {
      body: {
        model: 'doubao-seedance-2-0',
        prompt: 'a city',
        duration: 5,
        resolution: '720p',
        metadata: { ratio: '16:9' },
      },
    },
  ],
  [
    'happyhorse: size in upper case, ratio in metadata, images array',
    'a horse runs --model happyhorse-1.0-i2v --duration 12 --resolution 1080p --ratio 1:1 --image https://example.com/h.png',
    {
      body: {
        model: 'happyhorse-1.0-i2v',
        prompt: 'a horse runs',
        duration: 12,
        size: '1080P',
        images: ['https://example.com/h.png'],
        metadata: { ratio: '1:1' },
      },
    },
  ],
  [
    'happyhorse negative prompt',
    'a horse --model happyhorse-1.0-t2v --negative blur',
    {
      body: {
        model: 'happyhorse-1.0-t2v',
        prompt: 'a horse',
        duration: 5,
        size: '720P',
        negative_prompt: 'blur',
        metadata: { ratio: '16:9' },
      },
    },
  ],
  [
    'unknown model',
    'a fox --model sora-2',
    {
      error:
        'Unknown model "sora-2". Model ids start with veo, seedance or happyhorse; see /video models for the list.',
    },
  ],
  [
    'veo duration not a tier',
    'a fox --duration 5',
    { error: 'Duration 5 s is not available for Veo 3.1: use 4, 6, 8 seconds.' },
  ],
  [
    'seedance duration out of range',
    'a fox --model seedance-1-0-pro --duration 30',
    { error: 'Duration 30 s is not available for Seedance: use 2 to 12 seconds.' },
  ],
  [
    'duration not a number',
    'a fox --duration eight',
    { error: 'Duration "eight" is not a whole number of seconds; Veo 3.1 takes 4, 6, 8.' },
  ],
  ['bad ratio', 'a fox --ratio 4:3', { error: 'Ratio "4:3" is not available for Veo 3.1: use 16:9, 9:16.' }],
  [
    'bad resolution',
    'a fox --resolution 4k',
    { error: 'Resolution "4k" is not available for Veo 3.1: use 720p, 1080p.' },
  ],
  [
    'seed not an integer',
    'a fox --seed 1.5',
    { error: 'Seed "1.5" must be a whole number from 0 to 4294967295.' },
  ],
  ['negative seed', 'a fox --seed -3', { error: 'Seed "-3" must be a whole number from 0 to 4294967295.' }],
  [
    'missing value at the end',
    'a fox --model',
    { error: '--model needs a value, for example --model veo-3.1-fast-generate-preview.' },
  ],
  [
    'unknown flag',
    'a fox --fps 30',
    {
      error:
        'Unknown option --fps. Options are --model, --duration, --resolution, --ratio, --negative, --seed, --audio, --no-audio, --image, --last-frame, --ref; put text in quotes if it belongs to the prompt.',
    },
  ],
  ['flag given twice', 'a fox --duration 4 --duration 6', { error: '--duration is given twice; keep one.' }],
  ['audio and no-audio', 'a fox --audio --no-audio', { error: 'Give --audio or --no-audio, not both.' }],
  [
    'options but no prompt',
    '--duration 8',
    {
      error:
        'Describe the video before the options, for example: /video a corgi surfing at sunset --duration 8',
    },
  ],
  [
    'seedance has no audio',
    'a fox --model seedance-1-0-pro --audio',
    { error: 'Seedance does not generate audio; drop --audio or pick a Veo 3.1 model.' },
  ],
  [
    'seedance has no negative prompt',
    'a fox --model seedance-1-0-pro --negative blur',
    { error: 'Seedance does not take a negative prompt; drop --negative.' },
  ],
  [
    'veo references need 8 s',
    'a fox --duration 4 --ref https://example.com/r.png',
    { error: 'Veo 3.1 uses reference images only at --duration 8.' },
  ],
  [
    'last frame without first',
    'a fox --last-frame https://example.com/b.png',
    { error: 'A last frame needs a first frame too: add --image URL.' },
  ],
  [
    'image not a URL',
    'a fox --image cat.png',
    { error: 'The image link "cat.png" is not a URL: give a full https:// link to an image.' },
  ],
  [
    'image on file:',
    'a fox --image file:///etc/passwd',
    { error: 'The image link must be an http(s) link, not file:.' },
  ],
  [
    'image at cloud metadata address',
    'a fox --image http://169.254.169.254/latest/meta-data',
    {
      error:
        'The image link points at a private or local address (169.254.169.254); use a public image link.',
    },
  ],
  [
    'image on loopback',
    'a fox --image http://127.0.0.1:3000/x.png',
    { error: 'The image link points at a private or local address (127.0.0.1); use a public image link.' },
  ],
  [
    'two images for veo',
    'a fox --image https://e.com/a.png --image https://e.com/b.png',
    { error: 'Veo 3.1 takes one first-frame image; you gave 2.' },
  ],
  [
    'prompt with a null byte',
    'a fox\u0000',
    { error: 'The prompt contains a null byte; remove it and try again.' },
  ],
  [
    'prompt with RTL override',
    'a fox \u202egnivom',
    { error: 'The prompt contains right-to-left override characters; retype it as plain text.' },
  ],
  [
    'prompt too long',
    'a'.repeat(2001),
    { error: 'The prompt is 2,001 characters long; the limit is 2,000.' },
  ],
  [
    'several problems at once',
    'a fox --duration 5 --ratio 4:3',
    {
      error:
        'Please fix:\n• Duration 5 s is not available for Veo 3.1: use 4, 6, 8 seconds.\n• Ratio "4:3" is not available for Veo 3.1: use 16:9, 9:16.',
    },
  ],
];

const discordCases: [name: string, data: DiscordCommandData, expected: Expectation][] = [
  [
    'prompt only',
    { name: 'video', options: [{ name: 'prompt', type: 3, value: 'a corgi' }] },
    { body: { ...VEO, prompt: 'a corgi' } },
  ],
  [
    'help keyword',
    { name: 'video', options: [{ name: 'prompt', type: 3, value: 'help' }] },
    { kind: 'help' },
  ],
  [
    'models keyword',
    { name: 'video', options: [{ name: 'prompt', type: 3, value: 'models' }] },
    { kind: 'models' },
  ],
  [
    'typed options, seedance',
    {
      name: 'video',
      options: [
        { name: 'prompt', type: 3, value: 'a city' },
        { name: 'model', type: 3, value: 'seedance-1-0-pro' },
        { name: 'duration', type: 4, value: 8 },
        { name: 'ratio', type: 3, value: '9:16' },
        { name: 'seed', type: 4, value: 11 },
      ],
    },
    {
      body: {
        model: 'seedance-1-0-pro',
        prompt: 'a city',
        duration: 8,
        resolution: '720p',
        seed: 11,
        metadata: { ratio: '9:16' },
      },
    },
  ],
  [
    'attachment becomes the image',
    {
      name: 'video',
      options: [
        { name: 'prompt', type: 3, value: 'wake up' },
        { name: 'image', type: 11, value: '99' },
        { name: 'audio', type: 5, value: true },
      ],
      resolved: {
        attachments: {
          '99': { id: '99', url: 'https://cdn.discordapp.com/a/cat.png', content_type: 'image/png' },
        },
      },
    },
    {
      body: {
        ...VEO,
        prompt: 'wake up',
        image: 'https://cdn.discordapp.com/a/cat.png',
        generate_audio: true,
      },
    },
  ],
  [
    'attachment that is not an image',
    {
      name: 'video',
      options: [
        { name: 'prompt', type: 3, value: 'x' },
        { name: 'image', type: 11, value: '1' },
      ],
      resolved: {
        attachments: {
          '1': { id: '1', url: 'https://cdn.discordapp.com/a/v.mp4', content_type: 'video/mp4' },
        },
      },
    },
    { error: 'The attachment must be an image (got video/mp4).' },
  ],
  [
    'negative_prompt on veo',
    {
      name: 'video',
      options: [
        { name: 'prompt', type: 3, value: 'x' },
        { name: 'negative_prompt', type: 3, value: 'rain' },
      ],
    },
    { body: { ...VEO, prompt: 'x', negative_prompt: 'rain' } },
  ],
  [
    'bad duration for the chosen model',
    {
      name: 'video',
      options: [
        { name: 'prompt', type: 3, value: 'x' },
        { name: 'duration', type: 4, value: 5 },
      ],
    },
    { error: 'Duration 5 s is not available for Veo 3.1: use 4, 6, 8 seconds.' },
  ],
  [
    'image_url on a private address',
    {
      name: 'video',
      options: [
        { name: 'prompt', type: 3, value: 'x' },
        { name: 'image_url', type: 3, value: 'http://10.0.0.5/a.png' },
      ],
    },
    { error: 'The image link points at a private or local address (10.0.0.5); use a public image link.' },
  ],
  [
    'whitespace-only prompt',
    { name: 'video', options: [{ name: 'prompt', type: 3, value: '   \n ' }] },
    { kind: 'help' },
  ],
];

describe('Slack command text → TokenBay body', () => {
  it.each(slackCases)('%s', (_name, input, expected) => {
    expect(outcome(() => parseCommandText(decodeSlackText(input), defaults))).toStrictEqual(expected);
  });
});

describe('Discord options → TokenBay body', () => {
  it.each(discordCases)('%s', (_name, data, expected) => {
    expect(outcome(() => parseDiscordOptions(data, defaults))).toStrictEqual(expected);
  });
});

describe('one grammar behind both platforms', () => {
  it('gives the same request for the same command on Slack and Discord', () => {
    const slack = parseCommandText(
      'a fox --model happyhorse-1.0-t2v --duration 9 --ratio 3:4 --seed 5',
      defaults,
    );
    const discord = parseDiscordOptions(
      {
        name: 'video',
        options: [
          { name: 'prompt', type: 3, value: 'a fox' },
          { name: 'model', type: 3, value: 'happyhorse-1.0-t2v' },
          { name: 'duration', type: 4, value: 9 },
          { name: 'ratio', type: 3, value: '3:4' },
          { name: 'seed', type: 4, value: 5 },
        ],
      },
      defaults,
    );
    expect(slack).toEqual(discord);
  });

  it('has at least 40 table cases', () => {
    expect(slackCases.length + discordCases.length).toBeGreaterThanOrEqual(40);
  });
});
