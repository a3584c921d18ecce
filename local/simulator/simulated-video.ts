import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** A real, playable 2-second H.264/AAC MP4 made with ffmpeg (moov before mdat). */
export const SAMPLE_MP4_PATH = fileURLToPath(new URL('./sample.mp4', import.meta.url));

const PATTERN_PERIOD = 65_521; // prime, so a shifted or repeated chunk never lines up by accident
const CHUNK = 64 * 1024;

let sample: Buffer | undefined;
let pattern: Buffer | undefined;

export function sampleMp4(): Buffer {
  return (sample ??= readFileSync(SAMPLE_MP4_PATH));
}

function paddingPattern(): Buffer {
  if (!pattern) {
    pattern = Buffer.alloc(PATTERN_PERIOD);
    let x = 0x9e3779b9;
    for (let i = 0; i < PATTERN_PERIOD; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      pattern[i] = x & 0xff;
    }
  }
  return pattern;
}

/**
 * The video the simulator serves: the sample MP4, padded to any size with a trailing `free` box
 * (players skip it, so the file stays playable). Bytes are computed on demand, so a 1 GB clip
 * costs no memory, and the padding never repeats within 64 KB so a byte served at the wrong
 * offset cannot go unnoticed.
 */
export class SimulatedVideo {
  readonly size: number;
  private readonly head: Buffer;

  constructor(size?: number) {
    const mp4 = sampleMp4();
    const target = size ?? mp4.length;
    const padding = target - mp4.length;
    if (padding !== 0 && padding < 16)
      throw new RangeError(`A simulated video is ${mp4.length} bytes, or at least ${mp4.length + 16}.`);
    this.size = target;
    this.head = padding === 0 ? mp4 : Buffer.concat([mp4, freeBoxHeader(padding)]);
  }

  /** The bytes from `start` to `end` inclusive, as a stream. */
  stream(start = 0, end = this.size - 1): Readable {
    const { head } = this;
    const last = Math.min(end, this.size - 1);
    return Readable.from(
      (function* () {
        for (let position = start; position <= last;) {
          const length = Math.min(CHUNK, last - position + 1);
          yield bytesAt(head, position, length);
          position += length;
        }
      })(),
      { objectMode: false },
    );
  }

  /** The whole file in memory: for tests of small clips only. */
  bytes(): Buffer {
    return bytesAt(this.head, 0, this.size);
  }
}

function freeBoxHeader(padding: number): Buffer {
  // A 64-bit "largesize" box header (16 bytes) works for any size, including over 4 GiB.
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1, 0);
  header.write('free', 4, 'latin1');
  header.writeBigUInt64BE(BigInt(padding), 8);
  return header;
}

function bytesAt(head: Buffer, position: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let written = 0;
  if (position < head.length) written = head.copy(out, 0, position, Math.min(head.length, position + length));
  const pad = paddingPattern();
  while (written < length) {
    const at = (position + written - head.length) % PATTERN_PERIOD;
    written += pad.copy(out, written, at, Math.min(PATTERN_PERIOD, at + (length - written)));
  }
  return out;
}
