import type { Task } from '../../functions/core/tokenbay/task.js';

/** `[██████░░░░░░░░░░░░░░]  30%  IN_PROGRESS  0:45` — one line, for a terminal's stderr. */
export function progressLine(
  task: Pick<Task, 'progress' | 'rawStatus'>,
  elapsedSeconds: number,
  width = 20,
): string {
  const filled = Math.round((task.progress / 100) * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const minutes = Math.floor(elapsedSeconds / 60);
  const seconds = String(Math.floor(elapsedSeconds % 60)).padStart(2, '0');
  return `[${bar}] ${String(task.progress).padStart(3)}%  ${task.rawStatus || 'UNKNOWN'}  ${minutes}:${seconds}`;
}

/** 41977 → "41 KB", 104857600 → "100.0 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
