import { Readable } from 'node:stream';

export { type FakeCall, FakeDownstreamClient, type FakeHandler, userPrincipal } from '@chain/auth/testing';

/** Reads a stream to the end. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

/** A readable of `bytes`, in chunks of `chunkSize`. */
export function chunked(bytes: Buffer, chunkSize = 1024): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  return Readable.from(chunks);
}
