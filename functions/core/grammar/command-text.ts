import { Problems } from '../request/problems.js';
import {
  HISTORY_ALL,
  questionOf,
  type CommandPhrase,
  type ParsedCommand,
  type RawVideoOptions,
} from '../request/video-request.js';
import { validateVideoRequest, type ValidateOptions } from '../request/validate-video-request.js';
import { tokenize, type Token } from './tokenize.js';

type ValueKey = 'model' | 'duration' | 'resolution' | 'ratio' | 'negativePrompt' | 'seed' | 'lastFrame';
type FlagSpec =
  /** `example`: the flag with a value, shown when the value is missing. */
  | { key: ValueKey; kind: 'value'; example: string }
  | { key: 'images' | 'references'; kind: 'list'; example: string }
  | { key: 'audio'; kind: 'switch'; value: boolean };

/** The flags of the chat grammar (docs/ARCHITECTURE.md), by the name typed after `--`. */
const FLAGS: Record<string, FlagSpec> = {
  model: { key: 'model', kind: 'value', example: '--model veo-3.1-fast-generate-preview' },
  duration: { key: 'duration', kind: 'value', example: '--duration 8' },
  resolution: { key: 'resolution', kind: 'value', example: '--resolution 1080p' },
  ratio: { key: 'ratio', kind: 'value', example: '--ratio 9:16' },
  negative: { key: 'negativePrompt', kind: 'value', example: '--negative "blurry, text"' },
  seed: { key: 'seed', kind: 'value', example: '--seed 42' },
  audio: { key: 'audio', kind: 'switch', value: true },
  'no-audio': { key: 'audio', kind: 'switch', value: false },
  image: { key: 'images', kind: 'list', example: '--image https://example.com/first-frame.png' },
  'last-frame': {
    key: 'lastFrame',
    kind: 'value',
    example: '--last-frame https://example.com/last-frame.png',
  },
  ref: { key: 'references', kind: 'list', example: '--ref https://example.com/reference.png' },
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
  if (typeof raw === 'string') return questionOf(raw);
  return { kind: 'video', request: validateVideoRequest(raw, options) };
}

const KEYWORDS: Record<string, CommandPhrase> = {
  '': 'help',
  help: 'help',
  '--help': 'help',
  '-h': 'help',
  models: 'models',
  '--models': 'models',
  usage: 'usage',
  '--usage': 'usage',
  history: 'history',
  '--history': 'history',
  [HISTORY_ALL]: HISTORY_ALL,
};

/** The command's words as options, before validation (the playground maps them to Discord options). */
export function readCommandText(text: string): RawVideoOptions | CommandPhrase {
  return readTokens(tokenize(text));
}

function readTokens(tokens: Token[]): RawVideoOptions | CommandPhrase {
  // A keyword is the whole command: `help`, ` Models `, `history --all`, or nothing at all (empty
  // words aside).
  const words = tokens.filter((t) => t.text.trim() !== '');
  const phrase = words.map((word) => word.text.trim().toLowerCase()).join(' ');
  const keyword = words.length <= 2 ? KEYWORDS[phrase] : undefined;
  if (keyword) return keyword;

  const prompt: string[] = [];
  const options: Omit<RawVideoOptions, 'prompt'> = {};
  const seen = new Set<string>();
  const problems = new Problems();

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const flag = token.quoted ? undefined : asFlag(token.text);
    if (!flag) {
      prompt.push(token.text);
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
      else if (seen.has('audio') && options.audio !== spec.value)
        problems.add('Give --audio or --no-audio, not both.');
      seen.add('audio');
      options.audio = spec.value;
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
    // Values go to the validator as typed: it trims and checks them, for every platform alike.
    if (value === undefined || value.trim() === '') {
      problems.add(`--${flag.name} needs a value, for example ${spec.example}.`);
      continue;
    }
    if (spec.kind === 'list') {
      (options[spec.key] ??= []).push(value);
      continue;
    }
    if (seen.has(spec.key)) {
      problems.add(`--${flag.name} is given twice; keep one.`);
      continue;
    }
    seen.add(spec.key);
    options[spec.key] = value;
  }

  const text = prompt.join(' ');
  if (text.trim() === '' && problems.count === 0)
    problems.add(
      'Describe the video before the options, for example: /video a corgi surfing at sunset --duration 8',
    );
  problems.throwIfAny();
  return { ...options, prompt: text };
}

/** `--name`, `--name=value`, or the dash variants autocorrect makes of `--` (— and –). */
function asFlag(text: string): { name: string; value: string | undefined } | undefined {
  const match = /^(?:--|\u2014|\u2013)([a-z][a-z-]*)(?:=(.*))?$/i.exec(text);
  return match ? { name: match[1]!.toLowerCase(), value: match[2] } : undefined;
}
