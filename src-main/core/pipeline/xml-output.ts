/**
 * xmlOutput: a package saved as `<out>/<sanitised id>.xml`, atomically, only ever inside the out folder. An
 * identical file already there is left alone; a package re-issued with other content is kept as a new version
 * beside the old one (`<name>.v<hash>.xml`), never written over it — the analyst decides which to keep.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { pathInside, writeFileAtomic, FileWriteError } from '../fs/atomic-write';
import { safeFileName } from '../fs/file-names';

export interface SavedFile {
  file: string;
  /** written: a new file; unchanged: the same bytes were already there; version: another version was there. */
  how: 'written' | 'unchanged' | 'version';
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

async function existing(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    throw new FileWriteError(file, e);
  }
}

export async function savePackageXml(outDir: string, packageId: string, xml: string): Promise<SavedFile> {
  const first = pathInside(outDir, safeFileName(packageId, '.xml'));
  const there = await existing(first);
  if (there === undefined) {
    try {
      await writeFileAtomic(first, xml, { exclusive: true });
      return { file: first, how: 'written' };
    } catch (e) {
      // Another writer (a parallel run of the same package) was first: compare with what it wrote.
      if (!(e instanceof FileWriteError && e.errno === 'EEXIST')) throw e;
    }
    return savePackageXml(outDir, packageId, xml);
  }
  if (there === xml) return { file: first, how: 'unchanged' };
  const version = pathInside(outDir, safeFileName(packageId, `.v${sha(xml).slice(0, 12)}.xml`));
  const versionThere = await existing(version);
  if (versionThere === xml) return { file: version, how: 'unchanged' };
  await writeFileAtomic(version, xml);
  return { file: version, how: 'version' };
}
