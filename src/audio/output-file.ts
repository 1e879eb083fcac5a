import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';

/**
 * Lets `write` fill a temporary sibling of `outputPath`, then renames it into place,
 * so a failed or killed render never leaves a half-written file under the real name.
 */
export async function writeOutputFile<T>(outputPath: string, write: (partPath: string) => Promise<T>): Promise<T> {
  const partPath = `${outputPath}.${randomBytes(6).toString('hex')}.part`;
  try {
    const result = await write(partPath);
    await rename(partPath, outputPath);
    return result;
  } catch (error) {
    await rm(partPath, { force: true });
    throw error;
  }
}
