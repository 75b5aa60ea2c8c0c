/**
 * Writes that a stopped process cannot leave half done. A file is written to `NAME.tmp-<pid>` beside it and
 * renamed over it. An output folder is written whole into `DIR.tmp-<pid>` beside it (its other files carried
 * over as hard links), then swapped in: DIR is renamed to `DIR.old-<pid>`, `DIR.tmp-<pid>` to DIR, and the old
 * folder deleted. So DIR always holds the old complete model or the new one, never the files of two runs.
 *
 * Stopped at any point, a write leaves at most these siblings behind, and the next write to the same target
 * settles them first (only those of processes no longer running): a swap stopped between its two renames,
 * when DIR is missing, is finished (the new folder was complete before the old one was moved away); any other
 * leftover is deleted. Until then, loading DIR says where the complete model is (`explainInterruptedWrite`).
 */
import {
  chmod,
  copyFile,
  link,
  lstat,
  mkdir,
  open,
  readdir,
  readlink,
  realpath,
  rename,
  rm,
  stat,
  symlink,
} from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { StudioError } from '../core/errors';

type Kind = 'tmp' | 'old';

/** The sibling of `target` a write by process `pid` uses. */
export const siblingOf = (target: string, kind: Kind, pid = process.pid) => `${target}.${kind}-${pid}`;

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether process `pid` is still running (then its leftovers may be a write under way and are left alone).
 * This process writes one target at a time, so leftovers under its own id are from an earlier process.
 */
function running(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The `.tmp-<pid>` and `.old-<pid>` siblings of `target`, by process id. */
async function leftovers(target: string): Promise<Map<number, Set<Kind>>> {
  let names: string[];
  try {
    names = await readdir(dirname(target));
  } catch {
    return new Map();
  }
  const pattern = new RegExp(`^${escaped(basename(target))}\\.(tmp|old)-(\\d+)$`);
  const found = new Map<number, Set<Kind>>();
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const pid = Number(m[2]);
    if (!found.has(pid)) found.set(pid, new Set());
    found.get(pid)!.add(m[1] as Kind);
  }
  return found;
}

/** Finishes a folder swap a stopped process left between its two renames, and deletes its other leftovers. */
export async function settleLeftovers(target: string): Promise<void> {
  for (const [pid, kinds] of await leftovers(target)) {
    if (running(pid)) continue;
    if (kinds.has('old') && !(await exists(target))) {
      await rename(siblingOf(target, kinds.has('tmp') ? 'tmp' : 'old', pid), target);
    }
    await rm(siblingOf(target, 'tmp', pid), { recursive: true, force: true });
    await rm(siblingOf(target, 'old', pid), { recursive: true, force: true });
  }
}

/**
 * When `path` (a model folder, or a file in one) is missing because a folder swap was stopped between its two
 * renames, throws FILE_NOT_FOUND saying which sibling holds the complete model; otherwise returns.
 */
export async function explainInterruptedWrite(path: string): Promise<void> {
  let target = resolve(path);
  for (let up = 0; up < 2 && !(await exists(target)); up++, target = dirname(target)) {
    const stopped = [...(await leftovers(target))].find(([, kinds]) => kinds.has('old'));
    if (!stopped) continue;
    const [pid, kinds] = stopped;
    const show = (p: string) => relative(process.cwd(), p) || p;
    const which = kinds.has('tmp') ? 'new' : 'old';
    const keep = show(siblingOf(target, kinds.has('tmp') ? 'tmp' : 'old', pid));
    throw new StudioError(
      'FILE_NOT_FOUND',
      `${show(target)} is missing because a write to it was stopped halfway, and the ${which} model is ` +
        `complete in ${keep}; rename ${keep} to ${show(target)}, or run the command that writes it again.`,
    );
  }
}

/** Writes bytes to a new file and flushes them to disk before the file is renamed into place. */
async function writeFlushed(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes a file so that it holds its old content or its new one, never a part of either (through a symbolic
 * link, the file it points to; an existing file keeps its permissions).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const target = await realpath(resolve(path)).catch(() => resolve(path));
  await settleLeftovers(target);
  const tmp = siblingOf(target, 'tmp');
  await rm(tmp, { force: true });
  try {
    await writeFlushed(tmp, data);
    const old = await stat(target).catch(() => null);
    if (old) await chmod(tmp, old.mode & 0o7777);
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Recreates `src` at `dst` with hard links (copies where the file system has none): no file data is copied. */
async function carry(src: string, dst: string): Promise<void> {
  const info = await lstat(src);
  if (info.isDirectory()) {
    await mkdir(dst);
    for (const name of await readdir(src)) await carry(join(src, name), join(dst, name));
  } else if (info.isSymbolicLink()) {
    await symlink(await readlink(src), dst);
  } else {
    await link(src, dst).catch(() => copyFile(src, dst));
  }
}

/** Refuses an output folder that cannot be swapped: a file, or the current folder (or one holding it). */
function checkSwappable(dir: string, target: string, info: Awaited<ReturnType<typeof stat>> | null): void {
  if (info && !info.isDirectory()) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `The output ${dir} is a file, not a folder; name a folder for the model's files, or a path ending in .zip.`,
    );
  }
  const cwd = resolve(process.cwd());
  if (cwd === target || cwd.startsWith(target.endsWith(sep) ? target : target + sep)) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `The output folder ${dir} is the current folder or holds it, and CTR Studio replaces its output folder ` +
        `as a whole so that it never holds half of two models; name a new folder such as ${join(dir, 'model')}.`,
    );
  }
}

/**
 * Replaces folder `dir` (created if missing; through a symbolic link, the folder it points to) by one holding
 * `files`, swapped in whole. Its other files are kept, except those in `dropped` (the old model's files the new
 * ones do not overwrite). Returns its path.
 */
export async function replaceFolder(
  dir: string,
  files: { name: string; data: string | Uint8Array }[],
  dropped: (names: string[], dir: string) => Promise<Set<string>> = async () => new Set(),
): Promise<string> {
  const target = await realpath(resolve(dir)).catch(() => resolve(dir));
  await mkdir(dirname(target), { recursive: true });
  await settleLeftovers(target);
  const info = await stat(target).catch(() => null);
  checkSwappable(dir, target, info);
  const tmp = siblingOf(target, 'tmp');
  const old = siblingOf(target, 'old');
  await rm(tmp, { recursive: true, force: true });
  try {
    await mkdir(tmp, { mode: info ? info.mode & 0o7777 : undefined });
    for (const f of files) await writeFlushed(join(tmp, f.name), f.data);
    if (info) {
      const names = await readdir(target);
      const skip = new Set([...files.map((f) => f.name), ...(await dropped(names, target))]);
      for (const name of names) if (!skip.has(name)) await carry(join(target, name), join(tmp, name));
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  if (info) await rename(target, old);
  try {
    await rename(tmp, target);
  } catch (e) {
    if (info) await rename(old, target);
    throw e;
  }
  // The new model is in place: a failure to delete the old one leaves a leftover the next write settles.
  await rm(old, { recursive: true, force: true }).catch(() => undefined);
  return target;
}
