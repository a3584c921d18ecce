import { Problems } from '../request/problems.js';
import type { CommandKeyword, ParsedCommand, RawVideoOptions } from '../request/video-request.js';
import { validateVideoRequest, type ValidateOptions } from '../request/validate-video-request.js';
import { tokenize, type Token } from './tokenize.js';

type FlagSpec =
  | {
      key: 'model' | 'duration' | 'resolution' | 'ratio' | 'negativePrompt' | 'seed' | 'lastFrame';
      kind: 'value';
    }
  | { key: 'images' | 'references'; kind: 'list' }
  | { key: 'audio'; kind: 'switch'; value: boolean };

/** The flags of the chat grammar (docs/ARCHITECTURE.md), by the name typed after `--`. */
const FLAGS: Record<string, FlagSpec> = {
  model: { key: 'model', kind: 'value' },
  duration: { key: 'duration', kind: 'value' },
  resolution: { key: 'resolution', kind: 'value' },
  ratio: { key: 'ratio', kind: 'value' },
  negative: { key: 'negativePrompt', kind: 'value' },
  seed: { key: 'seed', kind: 'value' },
  audio: { key: 'audio', kind: 'switch', value: true },
  'no-audio': { key: 'audio', kind: 'switch', value: false },
  image: { key: 'images', kind: 'list' },
  'last-frame': { key: 'lastFrame', kind: 'value' },
  ref: { key: 'references', kind: 'list' },
};

export const FLAG_NAMES = Object.keys(FLAGS);

/**
 * Reads `/video` command text (`a corgi --model veo-3.1… --duration 8`): the grammar of
 * docs/ARCHITECTURE.md, shared by Slack (after `decodeSlackText`) and the CLI.
 */
export function parseCommandText(text: string, options: ValidateOptions): ParsedCommand {
  return parseCommandTokens(tokenize(text), options);
}

/** The same grammar over words that are already split (command-line arguments). */
export function parseCommandArgs(args: readonly string[], options: ValidateOptions): ParsedCommand {
  return parseCommandTokens(
    args.map((text) => ({ text, quoted: false })),
    options,
  );
}

function parseCommandTokens(tokens: Token[], options: ValidateOptions): ParsedCommand {
  const raw = readTokens(tokens);
  if (typeof raw === 'string') return { kind: raw };
  return { kind: 'video', request: validateVideoRequest(raw, options) };
}

const KEYWORDS: Record<string, CommandKeyword> = {
  '': 'help',
  help: 'help',
  '--help': 'help',
  '-h': 'help',
  models: 'models',
  '--models': 'models',
  usage: 'usage',
  '--usage': 'usage',
};

/** The command's words as options, before validation (the playground maps them to Discord options). */
export function readCommandText(text: string): RawVideoOptions | CommandKeyword {
  return readTokens(tokenize(text));
}

function readTokens(tokens: Token[]): RawVideoOptions | CommandKeyword {
  const keyword =
    KEYWORDS[
      tokens
        .map((t) => t.text)
        .join(' ')
        .trim()
        .toLowerCase()
    ];
  if (keyword) return keyword;

  const words: string[] = [];
  const raw: RawVideoOptions = { prompt: '' };
  const seen = new Set<string>();
  const problems = new Problems();

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const flag = token.quoted ? undefined : asFlag(token.text);
    if (!flag) {
      words.push(token.text);
      continue;
    }
    const spec = FLAGS[flag.name];
    if (!spec) {
      problems.add(
        `Unknown option --${flag.name}. Options are ${FLAG_NAMES.map((f) => `--${f}`).join(', ')}; put text in quotes if it belongs to the prompt.`,
      );
      continue;
    }
    if (spec.kind === 'switch') {
      if (flag.value !== undefined) problems.add(`--${flag.name} takes no value.`);
      else if (seen.has('audio') && raw.audio !== spec.value)
        problems.add('Give --audio or --no-audio, not both.');
      seen.add('audio');
      raw.audio = spec.value;
      continue;
    }
    let value = flag.value;
    if (value === undefined) {
      const next = tokens[i + 1];
      if (next && (next.quoted || !asFlag(next.text))) {
        value = next.text;
        i++;
      }
    }
    if (value === undefined || value.trim() === '') {
      problems.add(`--${flag.name} needs a value, for example ${example(flag.name)}.`);
      continue;
    }
    if (spec.kind === 'list') {
      (raw[spec.key] ??= []).push(value.trim());
      continue;
    }
    if (seen.has(spec.key)) {
      problems.add(`--${flag.name} is given twice; keep one.`);
      continue;
    }
    seen.add(spec.key);
    raw[spec.key] = spec.key === 'negativePrompt' ? value : value.trim();
  }

  raw.prompt = words.join(' ');
  if (raw.prompt.trim() === '' && problems.count === 0)
    problems.add(
      'Describe the video before the options, for example: /video a corgi surfing at sunset --duration 8',
    );
  problems.throwIfAny();
  return raw;
}

/** `--name`, `--name=value`, or the dash variants autocorrect makes of `--` (— and –). */
function asFlag(text: string): { name: string; value?: string } | undefined {
  const match = /^(?:--|\u2014|\u2013)([a-z][a-z-]*)(?:=(.*))?$/i.exec(text);
  if (!match) return undefined;
  const name = match[1]!.toLowerCase();
  return match[2] === undefined ? { name } : { name, value: match[2] };
}

function example(flag: string): string {
  const examples: Record<string, string> = {
    model: '--model veo-3.1-fast-generate-preview',
    duration: '--duration 8',
    resolution: '--resolution 1080p',
    ratio: '--ratio 9:16',
    negative: '--negative "blurry, text"',
    seed: '--seed 42',
    image: '--image https://example.com/first-frame.png',
    'last-frame': '--last-frame https://example.com/last-frame.png',
    ref: '--ref https://example.com/reference.png',
  };
  return examples[flag] ?? `--${flag} VALUE`;
}
