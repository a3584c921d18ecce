/** The extension a shared file is stored under, by its type; anything else is kept as .bin. */
const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
};

export function sharedFileExtension(contentType: string): string {
  return Object.hasOwn(EXTENSIONS, contentType) ? EXTENSIONS[contentType]! : 'bin';
}

/** The content type a stored file (a clip, or a shared file) is served with, by its extension. */
export function sharedFileType(name: string): string {
  const extension = name.split('.').pop() ?? '';
  return Object.entries(EXTENSIONS).find(([, ext]) => ext === extension)?.[0] ?? 'application/octet-stream';
}
