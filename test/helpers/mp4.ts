/** The top-level boxes of an MP4, and the movie duration from `moov/mvhd`: enough to prove a file plays. */
export function readMp4(bytes: Buffer): { boxes: string[]; durationSeconds: number } {
  const boxes: string[] = [];
  let durationSeconds = NaN;
  for (let at = 0; at < bytes.length;) {
    let size = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      size = Number(bytes.readBigUInt64BE(at + 8));
      header = 16;
    }
    if (size < header || at + size > bytes.length) throw new Error(`Broken ${type} box at ${at}`);
    boxes.push(type);
    if (type === 'moov') durationSeconds = mvhdDuration(bytes.subarray(at + header, at + size));
    at += size;
  }
  return { boxes, durationSeconds };
}

function mvhdDuration(moov: Buffer): number {
  const at = moov.indexOf('mvhd', 0, 'latin1');
  if (at < 0) throw new Error('moov has no mvhd');
  const version = moov[at + 4];
  const timescale = version === 1 ? moov.readUInt32BE(at + 24) : moov.readUInt32BE(at + 16);
  const duration = version === 1 ? Number(moov.readBigUInt64BE(at + 28)) : moov.readUInt32BE(at + 20);
  return duration / timescale;
}
